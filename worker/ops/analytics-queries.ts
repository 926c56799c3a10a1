import { REQUESTS } from "./analytics-points";

/**
 * The SQL text Outpost sends to the Analytics Engine SQL API, built from numbers and the checked
 * dataset name only. Sums are weighted by `_sample_interval`: AE may sample a busy index, and a
 * kept point then stands for that many written ones.
 */

/** Counters are summed over this window: Analytics Engine keeps data for three months. */
export const TOTALS_WINDOW_DAYS = 90;

/** Every counter series' total: metric name and its first three labels (what the scrape shows). */
export function totalsQuery(dataset: string): string {
  return [
    "SELECT blob1 AS name, blob2 AS l1, blob3 AS l2, blob4 AS l3,",
    "SUM(_sample_interval * double2) AS value",
    `FROM ${dataset}`,
    `WHERE timestamp > NOW() - INTERVAL '${TOTALS_WINDOW_DAYS}' DAY`,
    "GROUP BY name, l1, l2, l3",
    "FORMAT JSON",
  ].join(" ");
}

/** Per step: each metric's count, requests split by server error (5xx) or not. */
export function countsOverTimeQuery(dataset: string, minutes: number, stepMinutes: number): string {
  return [
    `SELECT toStartOfInterval(timestamp, INTERVAL '${stepMinutes}' MINUTE) AS t, blob1 AS name,`,
    `if(blob1 = '${REQUESTS}' AND blob3 >= '500' AND blob3 < '600', 1, 0) AS error,`,
    "SUM(_sample_interval * double2) AS value",
    `FROM ${dataset}`,
    `WHERE timestamp > NOW() - INTERVAL '${minutes}' MINUTE`,
    "GROUP BY t, name, error",
    "ORDER BY t",
    "FORMAT JSON",
  ].join(" ");
}

/** Per step: request latency p50 and p95 (ms), weighted by the sample interval. */
export function latencyOverTimeQuery(dataset: string, minutes: number, stepMinutes: number): string {
  return [
    `SELECT toStartOfInterval(timestamp, INTERVAL '${stepMinutes}' MINUTE) AS t,`,
    "quantileExactWeighted(0.5)(double1, _sample_interval) AS p50,",
    "quantileExactWeighted(0.95)(double1, _sample_interval) AS p95",
    `FROM ${dataset}`,
    `WHERE index1 = '${REQUESTS}' AND timestamp > NOW() - INTERVAL '${minutes}' MINUTE`,
    "GROUP BY t",
    "ORDER BY t",
    "FORMAT JSON",
  ].join(" ");
}
