import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApnsCredentials } from "../../durable-objects/apns-credentials";
import { resetApnsTokenCache } from "../../worker/push/providers/apns/credentials-client";
import { sendPush } from "../../worker/push/send";
import { apnsToken, deliveries, message, script, spyOutbound, stats, target } from "./push-provider-control";

let spy: ReturnType<typeof spyOutbound>;
beforeEach(() => {
  spy = spyOutbound();
});
afterEach(() => spy.restore());

const bearers = () =>
  new Set(
    spy.calls
      .filter((c) => c.url.startsWith(`${env.APNS_API_BASE}/3/device/`))
      .map((c) => c.headers.get("authorization")),
  );

const minter = () => env.APNS_CREDENTIALS.get(env.APNS_CREDENTIALS.idFromName("apns"));

/** Makes the deployment's provider token look `ms` older, as if that much time had passed. */
async function ageProviderToken(ms: number): Promise<void> {
  await runInDurableObject(minter(), (_instance: ApnsCredentials, state) => {
    state.storage.sql.exec("UPDATE provider_token SET issued_at = issued_at - ?", ms);
  });
}

describe("APNs client", () => {
  it("sends an alert with the headers Apple requires and the message id as apns-id", async () => {
    const token = apnsToken();
    const msg = message({ collapseKey: "news-1", ttlSeconds: 3600, data: { screen: "inbox", id: "42" } });
    const before = Math.floor(Date.now() / 1000);
    const outcome = await sendPush(env, target({ provider: "apns", token }), msg);
    expect(outcome).toEqual({ kind: "sent", providerMessageId: msg.messageId });
    const [delivery] = await deliveries("apns", token);
    expect(delivery?.headers).toMatchObject({
      "apns-topic": env.APNS_BUNDLE_ID,
      "apns-push-type": "alert",
      "apns-priority": "10",
      "apns-collapse-id": "news-1",
      "apns-id": msg.messageId,
    });
    const expiration = Number(delivery?.headers["apns-expiration"]);
    expect(expiration).toBeGreaterThanOrEqual(before + 3600);
    expect(expiration).toBeLessThan(before + 3700);
    expect(delivery?.payload).toEqual({
      aps: { alert: { title: "Hello", body: "World" }, sound: "default" },
      screen: "inbox",
      id: "42",
    });
  });

  it("sends a silent push as background type at priority 5 with content-available and no alert", async () => {
    const token = apnsToken();
    await sendPush(env, target({ provider: "apns", token }), message({ silent: true, priority: "high" }));
    const [delivery] = await deliveries("apns", token);
    expect(delivery?.headers).toMatchObject({ "apns-push-type": "background", "apns-priority": "5" });
    expect(delivery?.payload).toEqual({ aps: { "content-available": 1 }, screen: "inbox" });
  });

  it("sends normal-priority alerts at apns-priority 5 and a TTL of 0 as apns-expiration 0", async () => {
    const token = apnsToken();
    await sendPush(env, target({ provider: "apns", token }), message({ priority: "normal", ttlSeconds: 0 }));
    const [delivery] = await deliveries("apns", token);
    expect(delivery?.headers).toMatchObject({ "apns-priority": "5", "apns-expiration": "0" });
  });

  it("derives a stable UUID apns-id from a message id that is not a UUID", async () => {
    const a = apnsToken();
    const b = apnsToken();
    await sendPush(
      env,
      target({ provider: "apns", token: a }),
      message({ messageId: "campaign-1:device-9" }),
    );
    await sendPush(
      env,
      target({ provider: "apns", token: b }),
      message({ messageId: "campaign-1:device-9" }),
    );
    const [first] = await deliveries("apns", a);
    const [second] = await deliveries("apns", b);
    expect(first?.headers["apns-id"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(second?.headers["apns-id"]).toBe(first?.headers["apns-id"]);
  });

  it("uses one provider token for many concurrent sends", async () => {
    resetApnsTokenCache();
    const tokens = Array.from({ length: 30 }, apnsToken);
    const outcomes = await Promise.all(
      tokens.map((token) => sendPush(env, target({ provider: "apns", token }), message())),
    );
    expect(outcomes.every((o) => o.kind === "sent")).toBe(true);
    expect(bearers().size).toBe(1);
    expect((await stats()).apns.providerTokens).toBeGreaterThanOrEqual(1);
  });

  it("prunes on 410 Unregistered only when Apple's timestamp is after the token was registered", async () => {
    const registeredAt = Date.now() - 60_000;
    const dead = apnsToken();
    const reRegistered = apnsToken();
    await script("apns", dead, [{ status: 410, reason: "Unregistered", timestamp: registeredAt + 30_000 }]);
    await script("apns", reRegistered, [
      { status: 410, reason: "Unregistered", timestamp: registeredAt - 30_000 },
    ]);
    expect(
      await sendPush(env, target({ provider: "apns", token: dead, tokenUpdatedAt: registeredAt }), message()),
    ).toEqual({ kind: "prune", reason: "Unregistered" });
    expect(
      await sendPush(
        env,
        target({ provider: "apns", token: reRegistered, tokenUpdatedAt: registeredAt }),
        message(),
      ),
    ).toEqual({ kind: "failed", reason: "Unregistered_STALE" });
  });

  it("prunes BadDeviceToken and DeviceTokenNotForTopic but never BadTopic or PayloadTooLarge", async () => {
    const cases = [
      { reason: "BadDeviceToken", status: 400, kind: "prune" },
      { reason: "DeviceTokenNotForTopic", status: 400, kind: "prune" },
      { reason: "BadTopic", status: 400, kind: "failed" },
      { reason: "PayloadTooLarge", status: 413, kind: "failed" },
      { reason: "InvalidProviderToken", status: 403, kind: "failed" },
    ];
    for (const c of cases) {
      const token = apnsToken();
      await script("apns", token, [{ status: c.status, reason: c.reason }]);
      expect(await sendPush(env, target({ provider: "apns", token }), message())).toEqual({
        kind: c.kind,
        reason: c.reason,
      });
    }
  });

  it("retries 503 after Retry-After and 429 TooManyRequests, and fails TooManyProviderTokenUpdates", async () => {
    const a = apnsToken();
    const b = apnsToken();
    const c = apnsToken();
    await script("apns", a, [{ status: 503, reason: "ServiceUnavailable", retryAfter: 90 }]);
    await script("apns", b, [{ status: 429, reason: "TooManyRequests", retryAfter: 15 }]);
    await script("apns", c, [{ status: 429, reason: "TooManyProviderTokenUpdates" }]);
    expect(await sendPush(env, target({ provider: "apns", token: a }), message())).toEqual({
      kind: "retry",
      delaySeconds: 90,
      reason: "ServiceUnavailable",
    });
    expect(await sendPush(env, target({ provider: "apns", token: b }), message())).toEqual({
      kind: "retry",
      delaySeconds: 15,
      reason: "TooManyRequests",
    });
    expect(await sendPush(env, target({ provider: "apns", token: c }), message())).toEqual({
      kind: "failed",
      reason: "TooManyProviderTokenUpdates",
    });
    expect(await deliveries("apns", a)).toHaveLength(0);
  });

  it("on ExpiredProviderToken within 20 minutes of the last mint keeps the token and asks to retry later", async () => {
    const first = apnsToken();
    expect((await sendPush(env, target({ provider: "apns", token: first }), message())).kind).toBe("sent");
    const current = await minter().getProviderToken();
    const token = apnsToken();
    await script("apns", token, [{ status: 403, reason: "ExpiredProviderToken" }]);
    const outcome = await sendPush(env, target({ provider: "apns", token }), message());
    expect(outcome).toMatchObject({ kind: "retry", reason: "ExpiredProviderToken" });
    expect((await minter().getProviderToken()).token).toBe(current.token);
    expect(await deliveries("apns", token)).toHaveLength(0);
  });

  it("on ExpiredProviderToken after the 20-minute floor re-mints once and resends with the new token", async () => {
    expect((await sendPush(env, target({ provider: "apns", token: apnsToken() }), message())).kind).toBe(
      "sent",
    );
    const old = await minter().getProviderToken();
    await ageProviderToken(21 * 60_000);
    // The fake's own 20-minute rule is off for test runs (test/setup/node-global-setup.ts): it saw
    // the old token moments ago, not 21 minutes ago, and this test does not simulate that.
    const token = apnsToken();
    await script("apns", token, [{ status: 403, reason: "ExpiredProviderToken" }]);
    const outcome = await sendPush(env, target({ provider: "apns", token }), message());
    expect(outcome.kind).toBe("sent");
    const fresh = await minter().getProviderToken();
    expect(fresh.token).not.toBe(old.token);
    expect([...bearers()]).toEqual([`bearer ${old.token}`, `bearer ${fresh.token}`]);
    expect(await deliveries("apns", token)).toHaveLength(1);
  });

  it("refuses an APNs registration on an Android device without sending anything", async () => {
    const token = apnsToken();
    const outcome = await sendPush(env, target({ provider: "apns", platform: "android", token }), message());
    expect(outcome).toEqual({ kind: "failed", reason: "provider_platform_mismatch" });
    expect(spy.calls).toHaveLength(0);
  });
});
