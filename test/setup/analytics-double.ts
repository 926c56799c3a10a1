/**
 * A test double for the `ANALYTICS` Analytics Engine dataset: Miniflare discards writes, so the
 * test entry (./test-worker.ts) hands the Worker this recorder instead and tests read what was
 * written. It validates what the real binding refuses (more than 20 blobs or doubles, more than
 * one index, an index over 96 bytes, blobs over 16 KiB in total) by throwing, as the runtime does.
 */
export interface RecordedPoint {
  indexes: string[];
  blobs: string[];
  doubles: number[];
}

export const recordedPoints: RecordedPoint[] = [];

const text = (v: ArrayBuffer | string | null) =>
  v == null ? "" : typeof v === "string" ? v : new TextDecoder().decode(v);

export const recordingDataset: AnalyticsEngineDataset = {
  writeDataPoint(point: AnalyticsEngineDataPoint = {}): void {
    const indexes = (point.indexes ?? []).map(text);
    const blobs = (point.blobs ?? []).map(text);
    const doubles = point.doubles ?? [];
    if (indexes.length > 1) throw new Error("writeDataPoint: at most one index");
    if (indexes.some((i) => new TextEncoder().encode(i).length > 96))
      throw new Error("writeDataPoint: index over 96 bytes");
    if (blobs.length > 20 || doubles.length > 20)
      throw new Error("writeDataPoint: at most 20 blobs and 20 doubles");
    if (blobs.reduce((n, b) => n + new TextEncoder().encode(b).length, 0) > 16 * 1024)
      throw new Error("writeDataPoint: blobs over 16 KiB");
    if (doubles.some((d) => typeof d !== "number"))
      throw new Error("writeDataPoint: doubles must be numbers");
    recordedPoints.push({ indexes, blobs, doubles: [...doubles] });
  },
};

/** The Worker's env with the recorder as `ANALYTICS`. */
export function withRecordedAnalytics(env: Env, overrides: Partial<Env> = {}): Env {
  return { ...env, ANALYTICS: recordingDataset, ...overrides };
}
