import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminHeaders, call } from "../setup/http";
import {
  PRO_MONTHLY,
  anonymousUser,
  buy,
  deliver,
  entitlementPushes,
  entitlementPushesAtLeast,
  registerIphone,
  reportPurchase,
  storeAction,
} from "./entitlements-helpers";
import { createCampaign, ledger, registerDevice, visible, waitUntilSent } from "./push-campaign-helpers";

const platforms = {
  ios: { minVersion: "1.0.0", storeUrl: "https://apps.apple.com/app/id1" },
  android: { minVersion: "1.0.0", storeUrl: "https://play.google.com/store/apps/details?id=x" },
};
const putConfig = (config: unknown) =>
  call("/v1/admin/config", { method: "PUT", json: config, headers: adminHeaders(env.ADMIN_API_KEY) });

async function flagsFor(token?: string): Promise<Record<string, unknown>> {
  const res = await call("/v1/config", { token });
  expect(res.status).toBe(200);
  return (await res.json<{ flags: Record<string, unknown> }>()).flags;
}

/** A user who bought pro (report + notification), with the purchase id. */
async function proUser() {
  const user = await anonymousUser();
  const sale = await storeAction("purchase", { userId: user.userId, productId: PRO_MONTHLY });
  expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
  return { user, id: sale.originalTransactionId };
}

describe("config rules by entitlement", () => {
  it("a rule with entitlements matches users holding one of them, active; nobody else", async () => {
    const flag = `proTheme_${crypto.randomUUID().slice(0, 8)}`;
    const res = await putConfig({
      platforms,
      flags: { [flag]: { default: "plain", rules: [{ entitlements: ["pro", "team"], value: "gold" }] } },
    });
    expect(res.status).toBe(200);

    const { user, id } = await proUser();
    const free = await anonymousUser();
    expect((await flagsFor(user.accessToken))[flag]).toBe("gold");
    expect((await flagsFor(free.accessToken))[flag]).toBe("plain");
    expect((await flagsFor())[flag]).toBe("plain"); // no token: no entitlements

    await deliver(await storeAction("refund", { originalTransactionId: id }));
    expect((await flagsFor(user.accessToken))[flag]).toBe("plain");
  });

  it("refuses a malformed entitlements condition and keeps the config", async () => {
    const before = await call("/v1/admin/config", { headers: adminHeaders(env.ADMIN_API_KEY) });
    const etag = before.headers.get("ETag");
    for (const entitlements of [[], ["no spaces"], "pro", [42]]) {
      const res = await putConfig({
        platforms,
        flags: { x: { default: false, rules: [{ entitlements, value: true }] } },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "invalid_body" });
    }
    const after = await call("/v1/admin/config", { headers: adminHeaders(env.ADMIN_API_KEY) });
    expect(after.headers.get("ETag")).toBe(etag);
  });
});

describe("the home screen", () => {
  it("carries the user's entitlements, still in one D1 round trip", async () => {
    const { user } = await proUser();
    const res = await call("/v1/screens/home", { token: user.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get("Server-Timing")).toMatch(/d1;desc="5 queries, 1 round trip"/);
    const body = await res.json<{ entitlements: unknown[] }>();
    expect(body.entitlements).toEqual([
      expect.objectContaining({ id: "pro", active: true, source: "app_store", productId: PRO_MONTHLY }),
    ]);
    const free = await anonymousUser();
    const freeHome = await call("/v1/screens/home?fields=entitlements", { token: free.accessToken });
    expect(await freeHome.json()).toEqual({ entitlements: [] });
  });
});

describe("push targeting by entitlement", () => {
  it("target.entitlements reaches only devices of users holding the entitlement now", async () => {
    const { user: payer } = await proUser();
    const lapsed = await proUser();
    await deliver(await storeAction("expiry", { originalTransactionId: lapsed.id }));
    const free = await anonymousUser();
    const payerPhone = await registerDevice({ platform: "ios" }, payer);
    const lapsedPhone = await registerDevice({ platform: "android" }, lapsed.user);
    const freePhone = await registerDevice({ platform: "ios" }, free);

    const res = await createCampaign(
      visible({
        target: {
          deviceIds: [payerPhone.deviceId, lapsedPhone.deviceId, freePhone.deviceId],
          entitlements: ["pro"],
        },
      }),
    );
    expect(res.status).toBe(202);
    const { id } = await res.json<{ id: string }>();
    await waitUntilSent(id);
    expect((await ledger(id)).map((r) => r.device_id)).toEqual([payerPhone.deviceId]);
  });

  it("refuses a malformed target.entitlements", async () => {
    for (const entitlements of [[], ["a b"], "pro"]) {
      const res = await createCampaign(visible({ target: { entitlements } }));
      expect(res.status).toBe(400);
    }
  });
});

describe("silent push on a change", () => {
  it("wakes the user's devices when a purchase unlocks and when a refund locks, not on a replay", async () => {
    const user = await anonymousUser();
    const token = await registerIphone(user);
    const sale = await storeAction("purchase", { userId: user.userId, productId: PRO_MONTHLY });
    await deliver(sale);
    const first = await entitlementPushesAtLeast(token, 1);
    expect(first[0]?.headers).toMatchObject({ "apns-push-type": "background", "apns-priority": "5" });
    expect(first[0]?.payload).toMatchObject({ aps: { "content-available": 1 }, type: "entitlements" });

    // The app's own report of the same purchase changes nothing: no second push.
    expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
    await deliver(sale); // a replay
    await deliver(await storeAction("refund", { originalTransactionId: sale.originalTransactionId }));
    const after = await entitlementPushesAtLeast(token, 2);
    expect(after).toHaveLength(2);
    // The shared silent-push log records it (so sync pushes right after wait their turn).
    const logged = await env.DB.prepare("SELECT last_sent_at FROM silent_push_log WHERE device_id = ?")
      .bind(user.deviceId)
      .first<{ last_sent_at: number }>();
    expect(logged?.last_sent_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("does not push for a late, older message that changes nothing", async () => {
    const user = await anonymousUser();
    const token = await registerIphone(user);
    const sale = await buy(user.userId);
    expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
    await entitlementPushesAtLeast(token, 1);
    const stale = await storeAction(
      "expiry",
      { originalTransactionId: sale.originalTransactionId },
      { signedDate: Date.now() - 3_600_000 },
    );
    await deliver(stale);
    await new Promise((r) => setTimeout(r, 300));
    expect(await entitlementPushes(token)).toHaveLength(1);
  });
});
