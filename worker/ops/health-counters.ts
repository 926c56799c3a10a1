import type { MetricDelta } from "./metric-series";

/** The counters the health charts show, per minute; both metrics sources answer these names. */
export const HEALTH_COUNTERS = [
  "requests",
  "errors",
  "syncPushes",
  "syncPulls",
  "syncMutations",
  "pushSent",
  "pushFailed",
  "pushPruned",
] as const;
export type HealthCounter = (typeof HEALTH_COUNTERS)[number];

const BY_METRIC: Record<string, HealthCounter> = {
  outpost_http_requests_total: "requests",
  outpost_sync_pushes_total: "syncPushes",
  outpost_sync_pulls_total: "syncPulls",
  outpost_sync_mutations_total: "syncMutations",
  outpost_push_sent_total: "pushSent",
  outpost_push_failed_total: "pushFailed",
  outpost_push_pruned_total: "pushPruned",
};

/** A request is an error when the server failed it (5xx); 4xx are the caller's and not charted as errors. */
export function isServerError(status: string | number): boolean {
  const n = Number(status);
  return n >= 500 && n <= 599;
}

/** Which health counters a delta adds to (a 5xx request adds to both requests and errors). */
export function healthCountersOf(delta: MetricDelta): HealthCounter[] {
  const counter = BY_METRIC[delta.name];
  if (!counter) return [];
  if (counter === "requests" && isServerError(delta.labels.status ?? "")) return ["requests", "errors"];
  return [counter];
}
