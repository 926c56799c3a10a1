import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flushMetrics } from "../../worker/ops/metrics";
import { metricsCounter } from "../../worker/ops/metrics-client";
import { readFcmServiceAccount } from "../../worker/push/providers/fcm/access-token";
import { resetFcmTokenCache } from "../../worker/push/providers/fcm/credentials-client";
import { sendPush } from "../../worker/push/send";
import {
  deliveries,
  expireFcmAccessTokens,
  fcmToken,
  message,
  script,
  spyOutbound,
  stats,
  target,
} from "./push-provider-control";

const tokenUri = () => readFcmServiceAccount(env.FCM_SERVICE_ACCOUNT).tokenUri;
let spy: ReturnType<typeof spyOutbound>;

beforeEach(async () => {
  // Count exchanges from zero: forget this isolate's copy and the deployment minter's token.
  resetFcmTokenCache();
  const minter = env.FCM_CREDENTIALS.get(env.FCM_CREDENTIALS.idFromName("fcm"));
  await runInDurableObject(minter, (_instance, state) => {
    state.storage.sql.exec("DELETE FROM access_token");
  });
  spy = spyOutbound();
});
afterEach(() => spy.restore());

const tokenExchanges = () => spy.calls.filter((c) => c.url === tokenUri()).length;

describe("FCM HTTP v1 client", () => {
  it("keeps the minted token in the FcmCredentials object, so another isolate reuses it", async () => {
    expect((await sendPush(env, target({ provider: "fcm", token: fcmToken() }), message())).kind).toBe(
      "sent",
    );
    resetFcmTokenCache(); // as if the next send ran in a fresh isolate
    expect((await sendPush(env, target({ provider: "fcm", token: fcmToken() }), message())).kind).toBe(
      "sent",
    );
    expect(tokenExchanges()).toBe(1);
  });

  it("exchanges one OAuth token for many concurrent sends and reuses it afterwards", async () => {
    const before = await stats();
    const tokens = Array.from({ length: 30 }, fcmToken);
    const outcomes = await Promise.all(
      tokens.map((token) => sendPush(env, target({ provider: "fcm", token }), message())),
    );
    expect(outcomes.every((o) => o.kind === "sent")).toBe(true);
    const later = await sendPush(env, target({ provider: "fcm", token: fcmToken() }), message());
    expect(later.kind).toBe("sent");
    expect(tokenExchanges()).toBe(1);
    expect((await stats()).fcm.tokenRequests).toBeGreaterThan(before.fcm.tokenRequests);
    for (const token of tokens.slice(0, 3)) expect(await deliveries("fcm", token)).toHaveLength(1);
  });

  it("sends an Android alert with notification, string data, priority, TTL, collapse key and a clean analytics label", async () => {
    const token = fcmToken();
    const outcome = await sendPush(
      env,
      target({ provider: "fcm", token }),
      message({ ttlSeconds: 600, collapseKey: "news", campaignId: "camp/2026 spring!" }),
    );
    expect(outcome).toMatchObject({ kind: "sent", providerMessageId: expect.stringMatching(/^projects\//) });
    const [delivery] = await deliveries("fcm", token);
    expect(delivery?.payload).toEqual({
      message: {
        token,
        notification: { title: "Hello", body: "World" },
        data: { screen: "inbox" },
        android: { priority: "HIGH", ttl: "600s", collapse_key: "news" },
        fcm_options: { analytics_label: "camp_2026_spring_" },
      },
    });
  });

  it("sends a silent push as a data-only message at normal priority", async () => {
    const token = fcmToken();
    await sendPush(env, target({ provider: "fcm", token }), message({ silent: true, priority: "high" }));
    const [delivery] = await deliveries("fcm", token);
    const sent = delivery?.payload.message as Record<string, unknown>;
    expect(sent.notification).toBeUndefined();
    expect(sent.android).toMatchObject({ priority: "NORMAL" });
    expect(delivery?.summary.silent).toBe(true);
  });

  it("routes an iOS device registered with FCM through FCM with an APNs block", async () => {
    const token = fcmToken();
    const outcome = await sendPush(
      env,
      target({ provider: "fcm", platform: "ios", token }),
      message({ silent: true, collapseKey: "sync-a" }),
    );
    expect(outcome.kind).toBe("sent");
    const [delivery] = await deliveries("fcm", token);
    expect(delivery?.summary.platform).toBe("ios (via FCM)");
    const apns = (
      delivery?.payload.message as { apns: { headers: Record<string, string>; payload: unknown } }
    ).apns;
    expect(apns.headers).toMatchObject({
      "apns-priority": "5",
      "apns-push-type": "background",
      "apns-collapse-id": "sync-a",
    });
    expect(apns.payload).toEqual({ aps: { "content-available": 1 } });
  });

  it("fetches a new OAuth token once and resends when FCM rejects the old one", async () => {
    const token = fcmToken();
    expect((await sendPush(env, target({ provider: "fcm", token: fcmToken() }), message())).kind).toBe(
      "sent",
    );
    await expireFcmAccessTokens();
    const outcome = await sendPush(env, target({ provider: "fcm", token }), message());
    expect(outcome.kind).toBe("sent");
    expect(tokenExchanges()).toBe(2);
    expect(await deliveries("fcm", token)).toHaveLength(1);
  });

  it("prunes a token FCM calls UNREGISTERED", async () => {
    const token = fcmToken();
    await script("fcm", token, [{ status: 404, errorCode: "UNREGISTERED" }]);
    expect(await sendPush(env, target({ provider: "fcm", token }), message())).toEqual({
      kind: "prune",
      reason: "UNREGISTERED",
    });
    expect(await deliveries("fcm", token)).toHaveLength(0);
  });

  it("prunes on INVALID_ARGUMENT about the registration token but not on other INVALID_ARGUMENT", async () => {
    const bad = fcmToken();
    const other = fcmToken();
    await script("fcm", bad, [
      {
        status: 400,
        errorCode: "INVALID_ARGUMENT",
        message: "The registration token is not a valid FCM registration token",
      },
    ]);
    await script("fcm", other, [
      { status: 400, errorCode: "INVALID_ARGUMENT", message: "Invalid value at 'message.android.ttl'" },
    ]);
    expect((await sendPush(env, target({ provider: "fcm", token: bad }), message())).kind).toBe("prune");
    expect(await sendPush(env, target({ provider: "fcm", token: other }), message())).toEqual({
      kind: "failed",
      reason: "INVALID_ARGUMENT",
    });
  });

  it("honours Retry-After on 503 UNAVAILABLE and 429 QUOTA_EXCEEDED", async () => {
    const a = fcmToken();
    const b = fcmToken();
    await script("fcm", a, [{ status: 503, errorCode: "UNAVAILABLE", retryAfter: 120 }]);
    await script("fcm", b, [{ status: 429, errorCode: "QUOTA_EXCEEDED", retryAfter: 7 }]);
    expect(await sendPush(env, target({ provider: "fcm", token: a }), message())).toEqual({
      kind: "retry",
      delaySeconds: 120,
      reason: "UNAVAILABLE",
    });
    expect(await sendPush(env, target({ provider: "fcm", token: b }), message())).toEqual({
      kind: "retry",
      delaySeconds: 7,
      reason: "QUOTA_EXCEEDED",
    });
    // The script is spent: the next attempt goes through.
    expect((await sendPush(env, target({ provider: "fcm", token: a }), message(), 2)).kind).toBe("sent");
  });

  it("backs off exponentially on INTERNAL without Retry-After", async () => {
    const token = fcmToken();
    await script("fcm", token, [{ status: 500, errorCode: "INTERNAL" }], false);
    const first = await sendPush(env, target({ provider: "fcm", token }), message(), 1);
    const fourth = await sendPush(env, target({ provider: "fcm", token }), message(), 4);
    expect(first).toMatchObject({ kind: "retry", reason: "INTERNAL" });
    expect(first.kind === "retry" && first.delaySeconds).toBeLessThanOrEqual(2);
    expect(fourth.kind === "retry" && fourth.delaySeconds).toBeGreaterThanOrEqual(8);
  });

  it("fails SENDER_ID_MISMATCH and THIRD_PARTY_AUTH_ERROR without pruning", async () => {
    const a = fcmToken();
    const b = fcmToken();
    await script("fcm", a, [{ status: 403, errorCode: "SENDER_ID_MISMATCH" }]);
    await script("fcm", b, [{ status: 401, errorCode: "THIRD_PARTY_AUTH_ERROR" }]);
    expect(await sendPush(env, target({ provider: "fcm", token: a }), message())).toEqual({
      kind: "failed",
      reason: "SENDER_ID_MISMATCH",
    });
    expect(await sendPush(env, target({ provider: "fcm", token: b }), message())).toEqual({
      kind: "failed",
      reason: "THIRD_PARTY_AUTH_ERROR",
    });
    // A configuration error is not our OAuth token: no re-auth round trip.
    expect(tokenExchanges()).toBe(1);
  });

  it("counts sent, failed and pruned pushes in the metrics", async () => {
    const counter = async (name: string, labels: Record<string, string>) => {
      await flushMetrics(env);
      const series = await metricsCounter(env).snapshot();
      const hit = series.find((d) => d.name === name && JSON.stringify(d.labels) === JSON.stringify(labels));
      return hit?.value ?? 0;
    };
    const sent = await counter("outpost_push_sent_total", { provider: "fcm" });
    const failed = await counter("outpost_push_failed_total", { reason: "SENDER_ID_MISMATCH" });
    const pruned = await counter("outpost_push_pruned_total", { provider: "fcm" });
    const dead = fcmToken();
    const misconfigured = fcmToken();
    await script("fcm", dead, [{ status: 404, errorCode: "UNREGISTERED" }]);
    await script("fcm", misconfigured, [{ status: 403, errorCode: "SENDER_ID_MISMATCH" }]);
    await sendPush(env, target({ provider: "fcm", token: fcmToken() }), message());
    await sendPush(env, target({ provider: "fcm", token: dead }), message());
    await sendPush(env, target({ provider: "fcm", token: misconfigured }), message());
    expect(await counter("outpost_push_sent_total", { provider: "fcm" })).toBe(sent + 1);
    expect(await counter("outpost_push_failed_total", { reason: "SENDER_ID_MISMATCH" })).toBe(failed + 1);
    expect(await counter("outpost_push_pruned_total", { provider: "fcm" })).toBe(pruned + 1);
  });
});
