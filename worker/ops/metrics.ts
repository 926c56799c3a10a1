import type { Context } from "hono";
import type { AppEnv } from "../env";
import { type Labels, type MetricDelta, isValidDelta, seriesKey } from "./metric-series";
import { metricsCounter } from "./metrics-client";

/**
 * Counters without a round trip on the request path. Each isolate adds into a local buffer; the
 * buffer goes to the one `MetricsCounter` Durable Object ("global") in the background
 * (`waitUntil`) once it is FLUSH_INTERVAL_MS old or holds FLUSH_EVERY increments, whichever
 * comes first. The price: an isolate that is evicted loses at most its unflushed counts, and a
 * quiet isolate's last few counts reach the scrape with its next request — fine for rates.
 */
export const FLUSH_INTERVAL_MS = 5_000;
const FLUSH_EVERY = 200;
/** A runaway label (or a failing Durable Object) must not grow the buffer without bound. */
const MAX_BUFFERED_SERIES = 2_000;

/** Anything with `waitUntil`: a Worker's ExecutionContext or a Durable Object's state. */
export type WaitUntil = Pick<ExecutionContext, "waitUntil">;

const buffer = new Map<string, MetricDelta>();
let bufferedIncrements = 0;
let lastFlushAt = 0;

function addToBuffer(key: string, name: string, labels: Labels, by: number): void {
  const existing = buffer.get(key);
  if (existing) existing.value += by;
  else if (buffer.size < MAX_BUFFERED_SERIES) buffer.set(key, { name, labels: { ...labels }, value: by });
  else return;
  bufferedIncrements += 1;
}

/** Starts a background flush when the buffer is old or full enough. */
function maybeFlush(env: Env, ctx: WaitUntil | undefined): void {
  const now = Date.now();
  if (bufferedIncrements < FLUSH_EVERY && now - lastFlushAt < FLUSH_INTERVAL_MS && now >= lastFlushAt) return;
  const flushing = flushMetrics(env);
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
 * Names used across Outpost: `outpost_http_requests_total{method,route,status}`,
 * `outpost_sync_pushes_total`, `outpost_sync_pulls_total`, `outpost_push_sent_total{provider}`,
 * `outpost_push_failed_total{reason}`, `outpost_push_pruned_total`.
 */
export function countMetric(
  env: Env,
  ctx: WaitUntil | undefined,
  name: string,
  labels: Labels = {},
  by = 1,
): void {
  if (!isValidDelta({ name, labels, value: by })) return;
  addToBuffer(seriesKey(name, labels), name, labels, by);
  maybeFlush(env, ctx);
}

/**
 * Sends this isolate's buffered counts to the Durable Object now. The scrape calls it first so
 * its own isolate's counts are current; tests call it to avoid waiting for the interval.
 * On failure the counts go back into the buffer for the next attempt.
 */
export async function flushMetrics(env: Env): Promise<void> {
  lastFlushAt = Date.now();
  if (buffer.size === 0) return;
  const deltas = [...buffer.values()];
  buffer.clear();
  bufferedIncrements = 0;
  try {
    await metricsCounter(env).add(deltas);
  } catch (error) {
    for (const d of deltas) addToBuffer(seriesKey(d.name, d.labels), d.name, d.labels, d.value);
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
const REQUESTS = "outpost_http_requests_total";

/** Called by the request log for every request: `outpost_http_requests_total{method,route,status}`. */
export function recordRequest(c: Context<AppEnv>, route: string, status: number): void {
  let ctx: WaitUntil | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined; // Hono throws when a request was dispatched without an ExecutionContext.
  }
  const method = c.req.method;
  const short = `${method} ${status} ${route}`;
  let key = requestKeys.get(short);
  const labels = { method, route, status: String(status) };
  if (key === undefined) {
    key = seriesKey(REQUESTS, labels);
    if (requestKeys.size >= MAX_BUFFERED_SERIES) requestKeys.clear();
    requestKeys.set(short, key);
  }
  addToBuffer(key, REQUESTS, labels, 1);
  maybeFlush(c.env, ctx);
}
