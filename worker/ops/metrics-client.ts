import type { MetricDelta } from "./metric-series";

/** Every isolate adds into one object, by this name, so counters from everywhere add up. */
const METRICS_OBJECT_NAME = "global";

/** What the `MetricsCounter` Durable Object answers over RPC, typed on our side of the wire. */
interface MetricsCounterClient {
  /** Adds a batch of deltas atomically; invalid entries are skipped. */
  add(deltas: MetricDelta[]): Promise<void>;
  /** Every counter, sorted by series key. */
  snapshot(): Promise<MetricDelta[]>;
}

/**
 * The one typed client for the metrics Durable Object: the only place its stub is got from the
 * namespace and its RPC results are cast (RPC hands back a structured-clone view of the type).
 */
export function metricsCounter(env: Env): MetricsCounterClient {
  const stub = env.METRICS.getByName(METRICS_OBJECT_NAME);
  return {
    add: (deltas) => stub.add(deltas),
    snapshot: async () => (await stub.snapshot()) as MetricDelta[],
  };
}
