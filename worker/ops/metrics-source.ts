/**
 * Where this environment's metrics are read from — one rule, from configuration:
 *
 * - `analytics-engine` when `ANALYTICS_ACCOUNT_ID` is set (staging, production): counters are
 *   written to the `ANALYTICS` dataset and read back through the Analytics Engine SQL API, so
 *   they are global and survive isolates. The MetricsCounter Durable Object is not written.
 * - `durable-object` otherwise (`npm run dev`, tests): Miniflare discards Analytics Engine
 *   writes, so counters also add up in the MetricsCounter Durable Object and are read from it.
 *
 * Data points are written to `ANALYTICS` wherever the binding exists, in both modes.
 */
export type MetricsSource = "analytics-engine" | "durable-object";

export function metricsSource(env: Env): MetricsSource {
  return env.ANALYTICS_ACCOUNT_ID ? "analytics-engine" : "durable-object";
}
