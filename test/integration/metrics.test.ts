import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FLUSH_INTERVAL_MS, countMetric, flushMetrics } from "../../worker/ops/metrics";
import { metricsCounter } from "../../worker/ops/metrics-client";
import { seriesKey } from "../../worker/ops/metric-series";
import { adminHeaders, anonymousUser, call } from "../setup/http";

afterEach(() => vi.restoreAllMocks());

async function scrape(): Promise<string> {
  const res = await call("/v1/admin/metrics", { headers: adminHeaders(env.ADMIN_API_KEY) });
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("text/plain; version=0.0.4");
  return res.text();
}

/** The value of one sample line in a scrape (0 when the series is absent). */
function sample(text: string, key: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${key} `));
  return line ? Number(line.slice(key.length + 1)) : 0;
}

const healthz = seriesKey("outpost_http_requests_total", { method: "GET", route: "/healthz", status: "200" });

async function storedValue(key: string): Promise<number> {
  const all = await metricsCounter(env).snapshot();
  const found = all.find((s) => seriesKey(s.name, s.labels) === key);
  return found?.value ?? 0;
}

describe("GET /v1/admin/metrics", () => {
  it("counts requests by method, route template and status", async () => {
    const before = sample(await scrape(), healthz);
    for (let i = 0; i < 3; i++) expect((await call("/healthz")).status).toBe(200);
    const after = sample(await scrape(), healthz);
    expect(after - before).toBeGreaterThanOrEqual(3);
  });

  it("labels requests with the route template, never the raw path", async () => {
    const user = await anonymousUser();
    const deviceId = crypto.randomUUID();
    await call(`/v1/devices/${deviceId}`, { method: "DELETE", token: user.accessToken });
    const text = await scrape();
    expect(text).not.toContain(deviceId);
    expect(text).toContain('route="/v1/devices/:deviceId",status="404"');
  });

  it("reports the counters other capabilities record, with their labels", async () => {
    const provider = `p${crypto.randomUUID().slice(0, 8)}`;
    countMetric(env, undefined, "outpost_push_sent_total", { provider }, 3);
    countMetric(env, undefined, "outpost_push_sent_total", { provider }, 2);
    const text = await scrape();
    expect(sample(text, `outpost_push_sent_total{provider="${provider}"}`)).toBe(5);
    for (const name of [
      "outpost_sync_pushes_total",
      "outpost_sync_pulls_total",
      "outpost_push_sent_total",
      "outpost_push_failed_total",
      "outpost_push_pruned_total",
      "outpost_devices",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("counts devices by platform from D1 at scrape time", async () => {
    const before = sample(await scrape(), 'outpost_devices{platform="android"}');
    const user = await anonymousUser();
    const res = await call(`/v1/devices/${crypto.randomUUID()}`, {
      method: "PUT",
      token: user.accessToken,
      json: { platform: "android" },
    });
    expect(res.status).toBe(200);
    expect(sample(await scrape(), 'outpost_devices{platform="android"}')).toBeGreaterThanOrEqual(before + 1);
  });

  it("answers valid Prometheus text exposition", async () => {
    countMetric(env, undefined, "outpost_push_failed_total", { reason: 'quote"back\\slash' });
    const text = await scrape();
    expect(text.endsWith("\n")).toBe(true);
    for (const line of text.trimEnd().split("\n")) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_]\w*="([^"\\\n]|\\["\\n])*",?)+\})? -?[0-9.e+]+)$/,
      );
    }
    expect(text).toContain('reason="quote\\"back\\\\slash"');
  });
});

describe("request counting", () => {
  it("buffers counts in the isolate instead of calling the Durable Object per request", async () => {
    await flushMetrics(env);
    const stored = await storedValue(healthz);
    await call("/healthz");
    await call("/healthz");
    expect(await storedValue(healthz)).toBe(stored);
    await flushMetrics(env);
    expect(await storedValue(healthz)).toBe(stored + 2);
  });

  it("flushes in the background once the flush interval has passed", async () => {
    await flushMetrics(env);
    const stored = await storedValue(healthz);
    vi.spyOn(Date, "now").mockReturnValue(Date.now() + FLUSH_INTERVAL_MS + 1);
    await call("/healthz");
    await vi.waitFor(async () => expect(await storedValue(healthz)).toBe(stored + 1), { timeout: 5_000 });
  });
});

describe("MetricsCounter Durable Object", () => {
  it("adds deltas per series, whatever the label order, and skips invalid ones", async () => {
    const stub = env.METRICS.getByName(`test-${crypto.randomUUID()}`);
    await stub.add([
      { name: "outpost_x_total", labels: { a: "1", b: "2" }, value: 2 },
      { name: "outpost_x_total", labels: { b: "2", a: "1" }, value: 3 },
      { name: "bad name", labels: {}, value: 1 },
      { name: "outpost_x_total", labels: { a: "1", b: "2" }, value: -4 },
      { name: "outpost_x_total", labels: { "bad-label": "1" }, value: 1 },
    ]);
    expect(await stub.snapshot()).toEqual([
      { name: "outpost_x_total", labels: { a: "1", b: "2" }, value: 5 },
    ]);
  });

  it("keeps its counters in SQLite storage", async () => {
    const stub = env.METRICS.getByName(`test-${crypto.randomUUID()}`);
    await stub.add([{ name: "outpost_y_total", labels: {}, value: 7 }]);
    const rows = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ series: string; value: number }>("SELECT series, value FROM counters")
        .toArray(),
    );
    expect(rows).toEqual([{ series: "outpost_y_total", value: 7 }]);
  });
});
