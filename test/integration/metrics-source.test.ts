import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { counterDataPoint, requestDataPoint } from "../../worker/ops/analytics-points";
import { healthSeries } from "../../worker/ops/health";
import { countMetric, flushMetrics } from "../../worker/ops/metrics";
import { metricsCounter } from "../../worker/ops/metrics-client";
import { seriesKey } from "../../worker/ops/metric-series";
import { recordedPoints, withRecordedAnalytics } from "../setup/analytics-double";
import { adminHeaders, apiRequest, call } from "../setup/http";

/** Production's configuration: ANALYTICS_ACCOUNT_ID set, the SQL API (the fake) and its token. */
const production = (overrides: Partial<Env> = {}) =>
  withRecordedAnalytics(env, { ANALYTICS_ACCOUNT_ID: env.TEST_ANALYTICS_ACCOUNT_ID, ...overrides });

/** A request through the Worker with a given env (as a deployment with that configuration runs it). */
async function fetchWith(
  workerEnv: Env,
  path: string,
  init: Parameters<typeof apiRequest>[1] = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(apiRequest(path, init), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const fakeControl = () => new URL(env.ANALYTICS_SQL_API_BASE).origin;

/** Hands points to the fake SQL API, as Analytics Engine stores what the Worker wrote. */
async function store(
  points: (AnalyticsEngineDataPoint & { timestamp?: number; sampleInterval?: number })[],
): Promise<void> {
  const res = await fetch(`${fakeControl()}/_control/points`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ dataset: env.ANALYTICS_DATASET, points }),
  });
  expect(res.status).toBe(200);
}

async function queriesReceived(): Promise<string[]> {
  return (await fetch(`${fakeControl()}/_control/queries`)).json();
}

function sample(text: string, key: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${key} `));
  return line === undefined ? undefined : Number(line.slice(key.length + 1));
}

beforeEach(async () => {
  await fetch(`${fakeControl()}/_control/reset`, { method: "POST" });
});

describe("GET /v1/admin/metrics where ANALYTICS_ACCOUNT_ID is set (production)", () => {
  it("reads the counters the Worker wrote back through the Analytics Engine SQL API", async () => {
    const prod = production();
    await flushMetrics(prod);
    const healthz = seriesKey("outpost_http_requests_total", {
      method: "GET",
      route: "/healthz",
      status: "200",
    });
    const doBefore = (await metricsCounter(env).snapshot()).find(
      (d) => seriesKey(d.name, d.labels) === healthz,
    );
    const mark = recordedPoints.length;
    for (let i = 0; i < 3; i++) expect((await fetchWith(prod, "/healthz")).status).toBe(200);
    countMetric(prod, undefined, "outpost_push_sent_total", { provider: "apns" }, 4);
    await flushMetrics(prod);
    // What Analytics Engine would hold: every point written, plus one it kept at a 1-in-10 sample.
    await store([
      ...recordedPoints.slice(mark),
      { ...counterDataPoint("outpost_push_pruned_total", { provider: "fcm" }, 1), sampleInterval: 10 },
    ]);

    const res = await fetchWith(prod, "/v1/admin/metrics", { headers: adminHeaders(env.ADMIN_API_KEY) });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(sample(text, healthz)).toBe(3);
    expect(sample(text, 'outpost_push_sent_total{provider="apns"}')).toBe(4);
    // Sums are weighted by _sample_interval.
    expect(sample(text, 'outpost_push_pruned_total{provider="fcm"}')).toBe(10);
    // Colo and platform stay in Analytics Engine; the scrape keeps the contract's labels.
    expect(text).not.toContain("colo=");
    expect(text).toContain("# TYPE outpost_devices gauge");
    expect(await queriesReceived()).toEqual([
      `SELECT blob1 AS name, blob2 AS l1, blob3 AS l2, blob4 AS l3, SUM(_sample_interval * double2) AS value FROM ${env.ANALYTICS_DATASET} WHERE timestamp > NOW() - INTERVAL '90' DAY GROUP BY name, l1, l2, l3 FORMAT JSON`,
    ]);
    // Production does not write the local Durable Object counters.
    const doAfter = (await metricsCounter(env).snapshot()).find(
      (d) => seriesKey(d.name, d.labels) === healthz,
    );
    expect(doAfter?.value).toBe(doBefore?.value);
  });

  it("answers 503 service_unavailable when the SQL API refuses the token", async () => {
    const res = await fetchWith(production({ ANALYTICS_API_TOKEN: "not-the-token" }), "/v1/admin/metrics", {
      headers: adminHeaders(env.ADMIN_API_KEY),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    expect((await res.json<{ code: string }>()).code).toBe("service_unavailable");
  });

  it("never puts a malformed dataset name into SQL", async () => {
    const res = await fetchWith(
      production({ ANALYTICS_DATASET: "metrics; DROP TABLE x" }),
      "/v1/admin/metrics",
      {
        headers: adminHeaders(env.ADMIN_API_KEY),
      },
    );
    expect(res.status).toBe(500);
    expect(await queriesReceived()).toEqual([]);
  });

  it("still requires the admin key", async () => {
    const res = await fetchWith(production(), "/v1/admin/metrics");
    expect(res.status).toBe(401);
    expect(await queriesReceived()).toEqual([]);
  });
});

describe("healthSeries", () => {
  it("charts Analytics Engine per minute in production: requests, 5xx errors, latency p50/p95, sync, push", async () => {
    const now = Date.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    const request = (status: number, durationMs: number, at: number) => ({
      ...requestDataPoint({
        route: "/v1/config",
        status,
        method: "GET",
        colo: "AMS",
        platform: "ios",
        durationMs,
      }),
      timestamp: at,
    });
    await store([
      ...[10, 20, 30, 40].map((ms) => request(200, ms, now)),
      request(503, 1_000, now),
      request(200, 7, minute - 2 * 60_000 + 1_000),
      { ...counterDataPoint("outpost_sync_pushes_total", {}, 3), timestamp: now },
      { ...counterDataPoint("outpost_push_failed_total", { reason: "Unregistered" }, 2), timestamp: now },
      { ...counterDataPoint("outpost_push_sent_total", { provider: "fcm" }, 5), timestamp: now },
    ]);
    const series = await healthSeries(production(), { minutes: 10, now, flush: flushMetrics });
    expect(series.source).toBe("analytics-engine");
    expect(series.stepMs).toBe(60_000);
    expect(series.points).toHaveLength(10);
    const current = series.points.at(-1);
    expect(current).toMatchObject({
      at: minute,
      requests: 5,
      errors: 1,
      p50Ms: 30,
      p95Ms: 1_000,
      syncPushes: 3,
      pushFailed: 2,
      pushSent: 5,
    });
    expect(series.points.at(-3)).toMatchObject({ at: minute - 2 * 60_000, requests: 1, errors: 0, p50Ms: 7 });
    // Quiet minutes are present, with zeros and no latency.
    expect(series.points.at(-2)).toMatchObject({ requests: 0, p50Ms: null, p95Ms: null });
    const sql = await queriesReceived();
    expect(sql).toHaveLength(2);
    expect(
      sql.every((q) => q.includes(`FROM ${env.ANALYTICS_DATASET} `) && q.includes("INTERVAL '10' MINUTE")),
    ).toBe(true);
  });

  it("charts the Durable Object's per-minute buckets locally", async () => {
    const now = Date.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    for (let i = 0; i < 3; i++) expect((await call("/healthz")).status).toBe(200);
    // A batch from five minutes ago, as an isolate flushing then would have sent it.
    await metricsCounter(env).add(
      [
        {
          name: "outpost_http_requests_total",
          labels: { method: "GET", route: "/x", status: "503" },
          value: 2,
        },
        { name: "outpost_sync_pulls_total", labels: {}, value: 6 },
      ],
      { at: minute - 5 * 60_000 + 30_000, latency: [0, 0, 0, 0, 0, 0, 0, 0, 0, 2] },
    );
    const series = await healthSeries(env, { minutes: 30, now, flush: flushMetrics });
    expect(series.source).toBe("durable-object");
    expect(series.points).toHaveLength(30);
    const current = series.points.at(-1);
    expect(current?.at).toBe(minute);
    expect(current?.requests).toBeGreaterThanOrEqual(3);
    expect(current?.p50Ms).not.toBeNull();
    // Latency bucket 9 is ≤ 1,000 ms.
    expect(series.points.at(-6)).toMatchObject({
      requests: 2,
      errors: 2,
      syncPulls: 6,
      p50Ms: 1_000,
      p95Ms: 1_000,
    });
    // Nothing was asked of the SQL API locally.
    expect(await queriesReceived()).toEqual([]);
  });

  it("clamps the window to a day and never below a minute", async () => {
    const now = Date.now();
    expect((await healthSeries(env, { minutes: 99_999, now, flush: flushMetrics })).points).toHaveLength(96); // 15-minute steps
    expect((await healthSeries(env, { minutes: 0, now, flush: flushMetrics })).points).toHaveLength(1);
  });
});
