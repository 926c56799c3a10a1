import { describe, expect, it } from "vitest";
import { counterDataPoint, requestDataPoint } from "../../worker/ops/analytics-points";
import { healthCountersOf } from "../../worker/ops/health-counters";
import { histogramQuantile, latencyBucket, LATENCY_BOUNDS_MS } from "../../worker/ops/latency";
import { stepMinutesFor } from "../../worker/ops/health";

describe("Analytics Engine data points", () => {
  it("lays a request out as index, blobs (route, status, method, colo, platform) and doubles (duration, 1)", () => {
    expect(
      requestDataPoint({
        route: "/v1/config",
        status: 200,
        method: "GET",
        colo: "AMS",
        platform: null,
        durationMs: 12.5,
      }),
    ).toEqual({
      indexes: ["outpost_http_requests_total"],
      blobs: ["outpost_http_requests_total", "/v1/config", "200", "GET", "AMS", ""],
      doubles: [12.5, 1],
    });
  });

  it("puts counter labels in the metric's fixed order and cuts long values", () => {
    expect(
      counterDataPoint("outpost_push_failed_total", { reason: "x".repeat(500), other: "ignored" }, 3),
    ).toEqual({
      indexes: ["outpost_push_failed_total"],
      blobs: ["outpost_push_failed_total", "x".repeat(200)],
      doubles: [0, 3],
    });
  });

  it("writes nothing for a metric it does not carry", () => {
    expect(counterDataPoint("outpost_unknown_total", {}, 1)).toBeUndefined();
  });
});

describe("health counters", () => {
  it.each([
    ["outpost_http_requests_total", { status: "200" }, ["requests"]],
    ["outpost_http_requests_total", { status: "404" }, ["requests"]],
    ["outpost_http_requests_total", { status: "503" }, ["requests", "errors"]],
    ["outpost_push_failed_total", { reason: "Unregistered" }, ["pushFailed"]],
    ["outpost_metrics_dropped_series_total", {}, []],
  ])("%s %o adds to %o", (name, labels, counters) => {
    expect(healthCountersOf({ name, labels, value: 1 })).toEqual(counters);
  });
});

describe("latency histogram", () => {
  it("puts a duration in the first bucket whose bound it does not exceed", () => {
    expect(latencyBucket(0.3)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.01)).toBe(1);
    expect(latencyBucket(250)).toBe(LATENCY_BOUNDS_MS.indexOf(250));
    expect(latencyBucket(60_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it("reads quantiles as the upper bound of the bucket they fall in", () => {
    const counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    counts[latencyBucket(8)] = 90; // ≤ 10 ms
    counts[latencyBucket(400)] = 9; // ≤ 500 ms
    counts[LATENCY_BOUNDS_MS.length] = 1; // > 10 s
    expect(histogramQuantile(counts, 0.5)).toBe(10);
    expect(histogramQuantile(counts, 0.95)).toBe(500);
    expect(histogramQuantile(counts, 1)).toBe(10_000);
    expect(histogramQuantile([], 0.5)).toBeNull();
    expect(histogramQuantile([0, 0], 0.5)).toBeNull();
  });
});

describe("health steps", () => {
  it.each([
    [60, 1],
    [120, 1],
    [360, 5],
    [720, 10],
    [1_440, 15],
  ])("%s minutes are drawn in %s-minute steps", (minutes, step) => {
    expect(stepMinutesFor(minutes)).toBe(step);
    expect(minutes / step).toBeLessThanOrEqual(120);
  });
});
