import { analyticsDataset, cellNumber, cellTime, queryAnalytics } from "./analytics-sql";
import { countsOverTimeQuery, latencyOverTimeQuery } from "./analytics-queries";
import { HEALTH_COUNTERS, type HealthCounter, healthCountersOf } from "./health-counters";
import { LATENCY_BOUNDS_MS, histogramQuantile } from "./latency";
import { metricsCounter } from "./metrics-client";
import { type MetricsSource, metricsSource } from "./metrics-source";

/** One step of the health charts: counts in the step, and request latency quantiles (ms). */
export type HealthPoint = { at: number; p50Ms: number | null; p95Ms: number | null } & Record<
  HealthCounter,
  number
>;

/** What the console's health page charts, from the environment's metrics source. */
export interface HealthSeries {
  source: MetricsSource;
  /** Start of the first step and end of the last (ms since the epoch). */
  from: number;
  to: number;
  stepMs: number;
  /** One point per step, oldest first, every step present (zeros and null latency where quiet). */
  points: HealthPoint[];
}

export interface HealthSeriesOptions {
  /** How far back, in minutes (1..1440; default 60). */
  minutes?: number;
  /** "Now" (tests); defaults to the clock. */
  now?: number;
  /**
   * Flushes this isolate's buffered counts (`flushMetrics` of worker/ops/metrics.ts), so its last
   * counts are on the chart too. Passed in rather than imported: the console runs in its own ES
   * module, whose copy of the metrics buffer is always empty (worker/console/services.ts).
   */
  flush: (env: Env) => Promise<void>;
}

const MINUTE_MS = 60_000;
/** The local backend keeps a day of minutes; Analytics Engine could go further, the charts do not. */
export const MAX_HEALTH_MINUTES = 1_440;

/** Steps small enough to see a spike, few enough (≤ 120) for a phone-width chart. */
export function stepMinutesFor(minutes: number): number {
  if (minutes <= 120) return 1;
  if (minutes <= 360) return 5;
  if (minutes <= 720) return 10;
  return 15;
}

function emptyPoint(at: number): HealthPoint {
  const point = { at, p50Ms: null, p95Ms: null } as HealthPoint;
  for (const counter of HEALTH_COUNTERS) point[counter] = 0;
  return point;
}

/** The steps of [from, to), each `stepMs` long. */
function steps(from: number, to: number, stepMs: number): HealthPoint[] {
  const out: HealthPoint[] = [];
  for (let at = from; at < to; at += stepMs) out.push(emptyPoint(at));
  return out;
}

async function fromDurableObject(
  env: Env,
  from: number,
  to: number,
  stepMs: number,
  flush: HealthSeriesOptions["flush"],
): Promise<HealthPoint[]> {
  await flush(env); // this isolate's last counts belong on the chart too
  const buckets = await metricsCounter(env).minutes(from, to);
  const points = steps(from, to, stepMs);
  const histograms = points.map(() => new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0));
  for (const bucket of buckets) {
    const i = Math.floor((bucket.minute - from) / stepMs);
    const point = points[i];
    const histogram = histograms[i];
    if (!point || !histogram) continue;
    for (const counter of HEALTH_COUNTERS) point[counter] += bucket.counters[counter] ?? 0;
    bucket.latency.forEach((n, b) => (histogram[b] = (histogram[b] ?? 0) + n));
  }
  points.forEach((point, i) => {
    const histogram = histograms[i] ?? [];
    point.p50Ms = histogramQuantile(histogram, 0.5);
    point.p95Ms = histogramQuantile(histogram, 0.95);
  });
  return points;
}

async function fromAnalyticsEngine(
  env: Env,
  from: number,
  to: number,
  stepMs: number,
  minutes: number,
): Promise<HealthPoint[]> {
  const dataset = analyticsDataset(env);
  const stepMinutes = stepMs / MINUTE_MS;
  const [counts, latency] = await Promise.all([
    queryAnalytics<{ t: string; name: string; error: unknown; value: unknown }>(
      env,
      countsOverTimeQuery(dataset, minutes, stepMinutes),
    ),
    queryAnalytics<{ t: string; p50: unknown; p95: unknown }>(
      env,
      latencyOverTimeQuery(dataset, minutes, stepMinutes),
    ),
  ]);
  const points = steps(from, to, stepMs);
  const at = (t: string) => points[Math.floor((cellTime(t) - from) / stepMs)];
  for (const row of counts) {
    const point = at(row.t);
    if (!point) continue;
    const value = cellNumber(row.value);
    const status = cellNumber(row.error) === 1 ? "500" : "200";
    for (const counter of healthCountersOf({ name: row.name, labels: { status }, value }))
      point[counter] += value;
  }
  for (const row of latency) {
    const point = at(row.t);
    if (!point) continue;
    point.p50Ms = Math.round(cellNumber(row.p50) * 10) / 10;
    point.p95Ms = Math.round(cellNumber(row.p95) * 10) / 10;
  }
  return points;
}

/**
 * Requests, server errors, latency p50/p95, sync pushes/pulls/mutations and push sent/failed/pruned
 * per step over the last `minutes`, from this environment's metrics source: Analytics Engine SQL in
 * staging and production, the MetricsCounter Durable Object's per-minute buckets locally.
 */
export async function healthSeries(env: Env, options: HealthSeriesOptions): Promise<HealthSeries> {
  const minutes = Math.min(MAX_HEALTH_MINUTES, Math.max(1, Math.floor(options.minutes ?? 60)));
  const stepMs = stepMinutesFor(minutes) * MINUTE_MS;
  const now = options.now ?? Date.now();
  // Steps align on the clock (as AE's toStartOfInterval does); the last one is the current, partial step.
  const to = Math.floor(now / stepMs) * stepMs + stepMs;
  const from = to - Math.ceil(minutes / (stepMs / MINUTE_MS)) * stepMs;
  const source = metricsSource(env);
  const points =
    source === "analytics-engine"
      ? await fromAnalyticsEngine(env, from, to, stepMs, minutes)
      : await fromDurableObject(env, from, to, stepMs, options.flush);
  return { source, from, to, stepMs, points };
}
