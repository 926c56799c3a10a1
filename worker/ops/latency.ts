/**
 * Request latency as a histogram, for the local metrics backend (Analytics Engine computes
 * quantiles from the raw durations instead). Upper bounds in ms; the last bucket is open-ended.
 */
export const LATENCY_BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000] as const;

/** The bucket a duration falls in: the first bound it does not exceed, else the open bucket. */
export function latencyBucket(durationMs: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/**
 * The q-quantile of a histogram (counts per bucket), as the upper bound of the bucket it falls in
 * — an over-estimate by at most one bucket, which is what a chart needs. The open bucket reports
 * the last bound. Null when the histogram is empty.
 */
export function histogramQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank && seen > 0) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)] ?? null;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? null;
}
