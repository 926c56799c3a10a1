import type { MetricDelta } from "./metric-series";

/** Every isolate adds into one object, by this name, so counters from everywhere add up. */
const METRICS_OBJECT_NAME = "global";

/** What a batch carries besides the counters: when it was flushed, and request latencies. */
export interface BatchExtras {
  /** Flush time (ms): the batch is counted in this minute's bucket. */
  at: number;
  /** Requests per latency bucket (./latency.ts LATENCY_BOUNDS_MS, then the open bucket). */
  latency: number[];
}

/** One minute of the local health series: counter name → value, plus the latency histogram. */
export interface MinuteBucket {
  /** Start of the minute (ms since the epoch). */
  minute: number;
  counters: Record<string, number>;
  latency: number[];
}

/** What the `MetricsCounter` Durable Object answers over RPC, typed on our side of the wire. */
interface MetricsCounterClient {
  /** Adds a batch of deltas atomically; invalid entries are skipped. */
  add(deltas: MetricDelta[], extras?: BatchExtras): Promise<void>;
  /** Every counter, sorted by series key. */
  snapshot(): Promise<MetricDelta[]>;
  /** Per-minute buckets with `from <= minute < to`, oldest first. */
  minutes(from: number, to: number): Promise<MinuteBucket[]>;
}

/**
 * The one typed client for the metrics Durable Object: the only place its stub is got from the
 * namespace and its RPC results are cast (RPC hands back a structured-clone view of the type).
 */
export function metricsCounter(env: Env): MetricsCounterClient {
  const stub = env.METRICS.getByName(METRICS_OBJECT_NAME);
  return {
    add: (deltas, extras) => stub.add(deltas, extras),
    snapshot: async () => (await stub.snapshot()) as MetricDelta[],
    minutes: async (from, to) => (await stub.minutes(from, to)) as MinuteBucket[],
  };
}
