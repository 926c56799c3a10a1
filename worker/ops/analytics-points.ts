import type { Labels } from "./metric-series";

/**
 * How Outpost's counters are laid out as Workers Analytics Engine data points (one dataset, the
 * `ANALYTICS` binding). Every point has the same shape, so one SQL query reads every metric back:
 *
 * - `index1`: the metric name (AE samples per index value, so each metric keeps its own sampling);
 * - `blob1`: the metric name again (readable in SQL without the index), `blob2..blob6`: the
 *   metric's label values in the fixed order of {@link METRIC_LABELS};
 * - `double1`: a duration in ms (requests only, else 0), `double2`: the count this point adds.
 *
 * Read back with `SUM(_sample_interval * double2)`: AE may sample, and each kept point stands for
 * `_sample_interval` points.
 */
export const METRIC_LABELS: Record<string, readonly string[]> = {
  outpost_http_requests_total: ["route", "status", "method", "colo", "platform"],
  outpost_sync_pushes_total: [],
  outpost_sync_pulls_total: [],
  outpost_sync_mutations_total: [],
  outpost_push_sent_total: ["provider"],
  outpost_push_failed_total: ["reason"],
  outpost_push_pruned_total: ["provider"],
};

/** The request metric: the one point every request writes. */
export const REQUESTS = "outpost_http_requests_total";

/** AE allows 20 blobs of at most 16 KiB in total per point; our labels are short, cut them anyway. */
const MAX_BLOB = 200;

/** The data point for `value` more of `name{labels}`; undefined for a metric AE does not carry. */
export function counterDataPoint(
  name: string,
  labels: Labels,
  value: number,
  durationMs = 0,
): AnalyticsEngineDataPoint | undefined {
  const order = METRIC_LABELS[name];
  if (!order) return undefined;
  return {
    indexes: [name],
    blobs: [name, ...order.map((label) => (labels[label] ?? "").slice(0, MAX_BLOB))],
    doubles: [durationMs, value],
  };
}

export interface RequestFacts {
  route: string;
  status: number;
  method: string;
  colo: string | null;
  platform: string | null;
  durationMs: number;
}

/** One request: route, status, method, colo and platform as blobs; its duration and a count of 1. */
export function requestDataPoint(r: RequestFacts): AnalyticsEngineDataPoint {
  const labels: Labels = {
    route: r.route,
    status: String(r.status),
    method: r.method,
    colo: r.colo ?? "",
    platform: r.platform ?? "",
  };
  // REQUESTS is in METRIC_LABELS, so the point always exists.
  return counterDataPoint(REQUESTS, labels, 1, r.durationMs) as AnalyticsEngineDataPoint;
}
