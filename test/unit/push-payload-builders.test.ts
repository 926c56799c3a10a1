import { describe, expect, it } from "vitest";
import { apnsId, buildApnsHeaders, buildApnsPayload } from "../../worker/push/providers/apns/sender";
import { analyticsLabel, buildFcmMessage } from "../../worker/push/providers/fcm/sender";
import type { PushMessage } from "../../worker/push/providers/provider";

const NOW = Date.parse("2026-11-29T10:00:00Z");
const base: PushMessage = {
  title: "T",
  body: "B",
  data: { k: "v" },
  silent: false,
  priority: "high",
  messageId: "0F8FAD5B-D9CB-469F-A165-70867728950E",
};
const msg = (over: Partial<PushMessage>): PushMessage => ({ ...base, ...over });

describe("APNs request building", () => {
  it.each([
    { name: "a high-priority alert", over: {}, type: "alert", priority: "10" },
    { name: "a normal-priority alert", over: { priority: "normal" as const }, type: "alert", priority: "5" },
    {
      name: "a silent push, even if asked for high",
      over: { silent: true },
      type: "background",
      priority: "5",
    },
  ])("sends $name as apns-push-type $type at apns-priority $priority", async ({ over, type, priority }) => {
    const headers = await buildApnsHeaders({ APNS_BUNDLE_ID: "com.example.app" }, msg(over), NOW);
    expect(headers["apns-push-type"]).toBe(type);
    expect(headers["apns-priority"]).toBe(priority);
    expect(headers["apns-topic"]).toBe("com.example.app");
  });

  it.each([
    { ttlSeconds: 0, expected: "0" },
    { ttlSeconds: 60, expected: String(NOW / 1000 + 60) },
    { ttlSeconds: undefined, expected: String(NOW / 1000 + 2_419_200) },
  ])("sets apns-expiration to $expected for a TTL of $ttlSeconds", async ({ ttlSeconds, expected }) => {
    const headers = await buildApnsHeaders({ APNS_BUNDLE_ID: "b" }, msg({ ttlSeconds }), NOW);
    expect(headers["apns-expiration"]).toBe(expected);
  });

  it("omits apns-collapse-id without a collapse key", async () => {
    const headers = await buildApnsHeaders({ APNS_BUNDLE_ID: "b" }, msg({}), NOW);
    expect("apns-collapse-id" in headers).toBe(false);
  });

  it("keeps a UUID message id as the apns-id, lower-cased", async () => {
    expect(await apnsId(base.messageId)).toBe("0f8fad5b-d9cb-469f-a165-70867728950e");
  });

  it("derives the same UUID for the same non-UUID message id, and another for another", async () => {
    const a = await apnsId("campaign-1:device-1");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await apnsId("campaign-1:device-1")).toBe(a);
    expect(await apnsId("campaign-1:device-2")).not.toBe(a);
  });

  it("puts custom data at top level and never lets a data key replace aps", () => {
    const payload = buildApnsPayload(msg({ data: { aps: "evil", k: "v" } }));
    expect(payload).toEqual({ k: "v", aps: { alert: { title: "T", body: "B" }, sound: "default" } });
  });
});

describe("FCM message building", () => {
  it.each([
    { id: undefined, expected: undefined },
    { id: "", expected: undefined },
    { id: "spring-sale_2026.v1~%", expected: "spring-sale_2026.v1~%" },
    { id: "spring sale/2026!", expected: "spring_sale_2026_" },
    { id: "x".repeat(80), expected: "x".repeat(50) },
    { id: "Grüße", expected: "Gr__e" },
  ])("labels campaign $id as $expected", ({ id, expected }) => {
    expect(analyticsLabel(id)).toBe(expected);
  });

  it("sends Android a notification, HIGH priority, a TTL and a collapse key, and no APNs block", () => {
    const out = buildFcmMessage(
      { token: "t", platform: "android" },
      msg({ ttlSeconds: 30, collapseKey: "c" }),
    );
    expect(out).toEqual({
      token: "t",
      data: { k: "v" },
      notification: { title: "T", body: "B" },
      android: { priority: "HIGH", ttl: "30s", collapse_key: "c" },
    });
  });

  it("sends an iOS device through FCM an APNs block and no Android block", () => {
    const out = buildFcmMessage({ token: "t", platform: "ios" }, msg({ silent: true, ttlSeconds: 0 }));
    expect(out.android).toBeUndefined();
    expect(out.notification).toBeUndefined();
    expect(out.apns).toEqual({
      headers: { "apns-priority": "5", "apns-push-type": "background", "apns-expiration": "0" },
      payload: { aps: { "content-available": 1 } },
    });
  });
});
