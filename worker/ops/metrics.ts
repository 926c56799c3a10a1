import type { Context } from "hono";
import type { AppEnv } from "../env";
import { type RequestFacts, REQUESTS } from "./analytics-points";
import { addAnalyticsCount, flushAnalytics, writeRequestPoint } from "./analytics-writer";
import { LATENCY_BOUNDS_MS, latencyBucket } from "./latency";
import { type Labels, type MetricDelta, isValidDelta, seriesKey } from "./metric-series";
import { metricsCounter } from "./metrics-client";
import { metricsSource } from "./metrics-source";

/**
 * The one metrics interface the rest of Outpost calls (`countMetric`, `recordRequest`), with two
 * backends behind it (see ./metrics-source.ts for which one an environment reads):
 *
 * - Workers Analytics Engine: a data point per request, counters summed per series and written at
 *   each flush (./analytics-writer.ts); never awaited.
 * - Local (no `ANALYTICS_ACCOUNT_ID`): counters without a round trip on the request path. Each
 *   isolate adds into a local buffer; the buffer goes to the one `MetricsCounter` Durable Object
 *   ("global") in the background (`waitUntil`), stamped with the minute, so the object keeps totals
 *   for the scrape and per-minute buckets for the health charts.
 *
 * A flush happens once the buffer is FLUSH_INTERVAL_MS old or holds FLUSH_EVERY increments,
 * whichever comes first. The price: an isolate that is evicted loses at most its unflushed counts,
 * and a quiet isolate's last few counts arrive with its next request — fine for rates.
 */
export const FLUSH_INTERVAL_MS = 5_000;
const FLUSH_EVERY = 200;
/** A runaway label (or a failing Durable Object) must not grow the buffer without bound. */
const MAX_BUFFERED_SERIES = 2_000;

/** Anything with `waitUntil`: a Worker's ExecutionContext or a Durable Object's state. */
export type WaitUntil = Pick<ExecutionContext, "waitUntil">;

const buffer = new Map<string, MetricDelta>();
/** Local backend: request durations per latency bucket since the last flush. */
let latencies: number[] = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
let bufferedIncrements = 0;
let lastFlushAt = 0;

function addToBuffer(key: string, name: string, labels: Labels, by: number): void {
  const existing = buffer.get(key);
  if (existing) existing.value += by;
  else if (buffer.size < MAX_BUFFERED_SERIES) buffer.set(key, { name, labels: { ...labels }, value: by });
}

/** Starts a background flush when the buffer is old or full enough. */
function maybeFlush(env: Env, ctx: WaitUntil | undefined): void {
  bufferedIncrements += 1;
  const now = Date.now();
  if (bufferedIncrements < FLUSH_EVERY && now - lastFlushAt < FLUSH_INTERVAL_MS && now >= lastFlushAt) return;
  const flushing = flushMetrics(env, ctx);
  if (ctx) {
    try {
      ctx.waitUntil(flushing);
    } catch {
      // A context that no longer accepts work: the flush still runs as far as it can.
    }
  }
}

/**
 * Adds `by` to the counter `name{labels}`. Never throws and never waits: metrics must not break
 * or slow a request. Pass the ExecutionContext (or a Durable Object's `ctx`) so a background
 * flush outlives the response; without one a due flush still starts, unawaited.
 *
 * Names used across Outpost (labels in ./analytics-points.ts): `outpost_sync_pushes_total`,
 * `outpost_sync_pulls_total`, `outpost_sync_mutations_total`, `outpost_push_sent_total{provider}`,
 * `outpost_push_failed_total{reason}`, `outpost_push_pruned_total{provider}`.
 */
export function countMetric(
  env: Env,
  ctx: WaitUntil | undefined,
  name: string,
  labels: Labels = {},
  by = 1,
): void {
  if (!isValidDelta({ name, labels, value: by })) return;
  addAnalyticsCount(env, name, labels, by);
  if (metricsSource(env) === "durable-object") addToBuffer(seriesKey(name, labels), name, labels, by);
  maybeFlush(env, ctx);
}

/**
 * Sends the buffered counts on now: pending Analytics Engine points within the context's budget,
 * and (locally) the counter buffer to the Durable Object. The scrape calls it first so its own
 * isolate's counts are current; tests call it to avoid waiting for the interval. On failure the
 * Durable Object's counts go back into the buffer for the next attempt.
 */
export async function flushMetrics(env: Env, ctx?: object): Promise<void> {
  lastFlushAt = Date.now();
  bufferedIncrements = 0;
  flushAnalytics(env, ctx);
  if (buffer.size === 0) return;
  const deltas = [...buffer.values()];
  const latency = latencies;
  buffer.clear();
  latencies = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  try {
    await metricsCounter(env).add(deltas, { at: lastFlushAt, latency });
  } catch (error) {
    for (const d of deltas) addToBuffer(seriesKey(d.name, d.labels), d.name, d.labels, d.value);
    latency.forEach((n, i) => (latencies[i] = (latencies[i] ?? 0) + n));
    console.error(
      JSON.stringify({
        level: "warn",
        message: "metrics flush failed",
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}

// Every request lands here: remember each (method, status, route)'s series key rather than
// building and escaping it again. Route templates and statuses are few, so this stays small.
const requestKeys = new Map<string, string>();

/**
 * Called by the request log for every request: one Analytics Engine data point (route, status,
 * method, colo, platform; duration), and locally `outpost_http_requests_total{method,route,status}`
 * plus the duration's latency bucket.
 */
export function recordRequest(c: Context<AppEnv>, facts: RequestFacts): void {
  let ctx: WaitUntil | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined; // Hono throws when a request was dispatched without an ExecutionContext.
  }
  writeRequestPoint(c.env, ctx, facts);
  if (metricsSource(c.env) === "durable-object") {
    const { method, route, status } = facts;
    const short = `${method} ${status} ${route}`;
    let key = requestKeys.get(short);
    const labels = { method, route, status: String(status) };
    if (key === undefined) {
      key = seriesKey(REQUESTS, labels);
      if (requestKeys.size >= MAX_BUFFERED_SERIES) requestKeys.clear();
      requestKeys.set(short, key);
    }
    addToBuffer(key, REQUESTS, labels, 1);
    const bucket = latencyBucket(facts.durationMs);
    latencies[bucket] = (latencies[bucket] ?? 0) + 1;
  }
  maybeFlush(c.env, ctx);
}
