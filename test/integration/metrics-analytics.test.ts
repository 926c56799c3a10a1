import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_POINTS_PER_INVOCATION } from "../../worker/ops/analytics-writer";
import { countMetric, flushMetrics } from "../../worker/ops/metrics";
import { sendPush } from "../../worker/push/send";
import { recordedPoints, type RecordedPoint, withRecordedAnalytics } from "../setup/analytics-double";
import { anonymousUser, call } from "../setup/http";
import { fcmToken, message, script, target } from "./push-provider-control";
import { newClientId, pullOk, pushOk, putTask } from "./sync-helpers";

/** Points written since `mark` (an index into the recorder). */
const since = (mark: number) => recordedPoints.slice(mark);
const named = (points: RecordedPoint[], name: string) => points.filter((p) => p.blobs[0] === name);
const total = (points: RecordedPoint[]) => points.reduce((sum, p) => sum + (p.doubles[1] ?? 0), 0);

/** A context of its own, as each invocation has: the point budget is per context. */
const invocation = (): Pick<ExecutionContext, "waitUntil"> => ({ waitUntil: () => undefined });

describe("Analytics Engine data points", () => {
  it("writes one point per request: route template, status, method, colo, platform; duration and 1", async () => {
    const mark = recordedPoints.length;
    const deviceId = crypto.randomUUID();
    const res = await call(`/v1/devices/${deviceId}`, { method: "DELETE", headers: { "X-Platform": "ios" } });
    expect(res.status).toBe(401);
    const points = named(since(mark), "outpost_http_requests_total");
    expect(points).toHaveLength(1);
    const [point] = points;
    expect(point?.indexes).toEqual(["outpost_http_requests_total"]);
    // The route template, never the raw path (a device id is not a label).
    expect(point?.blobs).toEqual([
      "outpost_http_requests_total",
      "/v1/devices/:deviceId",
      "401",
      "DELETE",
      "",
      "ios",
    ]);
    expect(JSON.stringify(point)).not.toContain(deviceId);
    expect(point?.doubles).toHaveLength(2);
    expect(point?.doubles[0]).toBeGreaterThanOrEqual(0);
    expect(point?.doubles[0]).toBeLessThan(30_000);
    expect(point?.doubles[1]).toBe(1);
  });

  it("writes sync pushes, pulls and mutations as counter points summed per series", async () => {
    const u = await anonymousUser();
    const me = { token: u.accessToken, userId: u.userId, deviceId: u.deviceId };
    await flushMetrics(withRecordedAnalytics(env)); // start from an empty pending sum
    const mark = recordedPoints.length;
    await pushOk(me, "me", newClientId(), [
      putTask(1, "a", { title: "a", done: false }),
      putTask(2, "b", { title: "b", done: false }),
      putTask(3, "c", { title: "c", done: true }),
    ]);
    await pushOk(me, "me", newClientId(), [putTask(1, "d", { title: "d", done: false })]);
    await pullOk(me, "me", "cursor=0");
    await flushMetrics(withRecordedAnalytics(env));
    const points = since(mark);
    // Two pushes are one point (summed), not two.
    expect(named(points, "outpost_sync_pushes_total")).toHaveLength(1);
    expect(total(named(points, "outpost_sync_pushes_total"))).toBe(2);
    expect(total(named(points, "outpost_sync_mutations_total"))).toBe(4);
    expect(total(named(points, "outpost_sync_pulls_total"))).toBe(1);
    for (const p of named(points, "outpost_sync_pushes_total")) {
      expect(p.indexes).toEqual(["outpost_sync_pushes_total"]);
      expect(p.blobs).toEqual(["outpost_sync_pushes_total"]);
      expect(p.doubles[0]).toBe(0);
    }
  });

  it("writes push sent by provider, failed by reason and pruned", async () => {
    const recorded = withRecordedAnalytics(env);
    await flushMetrics(recorded);
    const mark = recordedPoints.length;
    const dead = fcmToken();
    const misconfigured = fcmToken();
    await script("fcm", dead, [{ status: 404, errorCode: "UNREGISTERED" }]);
    await script("fcm", misconfigured, [{ status: 403, errorCode: "SENDER_ID_MISMATCH" }]);
    await sendPush(recorded, target({ provider: "fcm", token: fcmToken() }), message());
    await sendPush(recorded, target({ provider: "fcm", token: fcmToken() }), message());
    await sendPush(recorded, target({ provider: "fcm", token: dead }), message());
    await sendPush(recorded, target({ provider: "fcm", token: misconfigured }), message());
    await flushMetrics(recorded);
    const points = since(mark);
    expect(named(points, "outpost_push_sent_total").map((p) => [p.blobs, p.doubles])).toEqual([
      [
        ["outpost_push_sent_total", "fcm"],
        [0, 2],
      ],
    ]);
    // A dead token is pruned, not failed: only the misconfiguration counts as a failure.
    expect(named(points, "outpost_push_failed_total").map((p) => [p.blobs, p.doubles])).toEqual([
      [
        ["outpost_push_failed_total", "SENDER_ID_MISMATCH"],
        [0, 1],
      ],
    ]);
    expect(named(points, "outpost_push_pruned_total").map((p) => [p.blobs, p.doubles])).toEqual([
      [
        ["outpost_push_pruned_total", "fcm"],
        [0, 1],
      ],
    ]);
  });

  it(`never writes more than ${MAX_POINTS_PER_INVOCATION} points in one invocation, and loses no count`, async () => {
    const recorded = withRecordedAnalytics(env);
    await flushMetrics(recorded);
    const prefix = `r${crypto.randomUUID().slice(0, 8)}_`;
    const ours = () =>
      named(recordedPoints, "outpost_push_failed_total").filter((p) => p.blobs[1]?.startsWith(prefix));
    // One busy invocation (a queue batch) counting 1,000 distinct failure reasons, 3 times each.
    const busy = invocation();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 1_000; i++)
        countMetric(recorded, busy, "outpost_push_failed_total", { reason: `${prefix}${i}` });
    }
    await flushMetrics(recorded, busy);
    expect(ours().length).toBeLessThanOrEqual(MAX_POINTS_PER_INVOCATION);
    expect(ours().length).toBeGreaterThan(0);
    // Later invocations write the rest, each within its own budget.
    for (let i = 0; i < 10 && total(ours()) < 3_000; i++) {
      const before = ours().length;
      await flushMetrics(recorded, invocation());
      expect(ours().length - before).toBeLessThanOrEqual(MAX_POINTS_PER_INVOCATION);
    }
    expect(total(ours())).toBe(3_000);
    expect(new Set(ours().map((p) => p.blobs[1])).size).toBe(1_000);
  });

  it("writes nothing and throws nothing where no dataset is bound", async () => {
    const unbound = { ...env, ANALYTICS: undefined } as unknown as Env;
    const mark = recordedPoints.length;
    expect(() => countMetric(unbound, invocation(), "outpost_sync_pulls_total")).not.toThrow();
    await flushMetrics(unbound);
    expect(since(mark)).toEqual([]);
  });
});
