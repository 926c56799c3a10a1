import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../setup/http";
import {
  PRO_MONTHLY,
  anonymousUser,
  buy,
  entitlementsOf,
  notification,
  postWebhook,
  reportPurchase,
  signJws,
} from "./entitlements-helpers";

const FORGERIES = [
  "wrong-root",
  "leaf-without-oid",
  "intermediate-without-oid",
  "expired-leaf",
  "two-certs",
  "swapped-alg",
  "alg-none",
  "tampered-payload",
  "leaf-not-signed-by-intermediate",
] as const;

async function countRows(): Promise<{ notices: number; purchases: number }> {
  const [n, p] = await env.DB.batch<{ n: number }>([
    env.DB.prepare("SELECT count(*) AS n FROM store_notifications"),
    env.DB.prepare("SELECT count(*) AS n FROM purchases"),
  ]);
  return { notices: n?.results[0]?.n ?? -1, purchases: p?.results[0]?.n ?? -1 };
}

async function storedNotice(notificationUUID: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM store_notifications WHERE notification_id = ?")
    .bind(notificationUUID)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

/** A purchase sold to a fresh user, and a SUBSCRIBED notification for it made wrong by `overrides`. */
async function forgedNotification(overrides: Record<string, unknown>) {
  const user = await anonymousUser();
  const sale = await buy(user.userId);
  const note = await notification({
    originalTransactionId: sale.originalTransactionId,
    type: "SUBSCRIBED",
    subtype: "INITIAL_BUY",
    ...overrides,
  });
  return { user, sale, note };
}

async function expectRefusedWithNothingStored(overrides: Record<string, unknown>) {
  const { user, sale, note } = await forgedNotification(overrides);
  const res = await postWebhook(note.signedPayload);
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ code: "unauthorized" });
  expect(await storedNotice(note.notificationUUID)).toBe(0);
  const purchase = await env.DB.prepare("SELECT count(*) AS n FROM purchases WHERE purchase_id = ?")
    .bind(sale.originalTransactionId)
    .first<{ n: number }>();
  expect(purchase?.n).toBe(0);
  expect(await entitlementsOf(user)).toEqual([]);
}

describe("POST /v1/webhooks/app-store refuses what does not verify, storing nothing", () => {
  it.each(FORGERIES)("a forged chain or signature: %s", async (forgery) => {
    await expectRefusedWithNothingStored({ forgery });
  });

  it("a notification for another bundle id", async () => {
    await expectRefusedWithNothingStored({ bundleId: "com.example.someone-else" });
  });

  it("a notification from the other environment (Sandbox)", async () => {
    await expectRefusedWithNothingStored({ environment: "Sandbox" });
  });

  it("a Production notification for another app (appAppleId)", async () => {
    await expectRefusedWithNothingStored({ appAppleId: 999 });
  });

  it("a notification whose nested transaction is forged", async () => {
    const user = await anonymousUser();
    const forgedTx = await signJws(
      {
        transactionId: "1",
        originalTransactionId: `forged-${crypto.randomUUID()}`,
        bundleId: env.APPSTORE_BUNDLE_ID,
        productId: PRO_MONTHLY,
        appAccountToken: user.userId,
        type: "Auto-Renewable Subscription",
        expiresDate: Date.now() + 86_400_000,
        environment: env.APPSTORE_ENVIRONMENT,
        signedDate: Date.now(),
      },
      "wrong-root",
    );
    const uuid = crypto.randomUUID();
    const outer = await signJws({
      notificationType: "SUBSCRIBED",
      subtype: "INITIAL_BUY",
      notificationUUID: uuid,
      version: "2.0",
      signedDate: Date.now(),
      data: {
        appAppleId: Number(env.APPSTORE_APP_APPLE_ID),
        bundleId: env.APPSTORE_BUNDLE_ID,
        environment: env.APPSTORE_ENVIRONMENT,
        signedTransactionInfo: forgedTx.jws,
      },
    });
    expect((await postWebhook(outer.jws)).status).toBe(401);
    expect(await storedNotice(uuid)).toBe(0);
    expect(await entitlementsOf(user)).toEqual([]);
  });

  it("junk, and bodies that are not a notification", async () => {
    const before = await countRows();
    expect((await postWebhook("not.a.jws")).status).toBe(401);
    expect((await postWebhook("a".repeat(2000))).status).toBe(401);
    const empty = await call("/v1/webhooks/app-store", { method: "POST", json: {} });
    expect(empty.status).toBe(400);
    const wrongType = await call("/v1/webhooks/app-store", { method: "POST", json: { signedPayload: 42 } });
    expect(wrongType.status).toBe(400);
    expect(await countRows()).toEqual(before);
  });

  it("accepts a TEST notification (no purchase) and keeps it", async () => {
    const note = await notification({ type: "TEST" });
    const res = await postWebhook(note.signedPayload);
    expect(res.status).toBe(200);
    const row = await env.DB.prepare(
      "SELECT type, outcome, verified FROM store_notifications WHERE notification_id = ?",
    )
      .bind(note.notificationUUID)
      .first();
    expect(row).toEqual({ type: "TEST", outcome: "ignored", verified: 1 });
  });
});

describe("POST /v1/purchases/app-store refuses a transaction that does not verify", () => {
  it.each(FORGERIES)("%s: 400, nothing stored", async (forgery) => {
    const user = await anonymousUser();
    const sale = await buy(user.userId, PRO_MONTHLY, { forgery });
    const res = await reportPurchase(user, sale.signedTransaction);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_body", errors: [{ path: "signedTransaction" }] });
    const row = await env.DB.prepare("SELECT count(*) AS n FROM purchases WHERE purchase_id = ?")
      .bind(sale.originalTransactionId)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
    expect(await entitlementsOf(user)).toEqual([]);
  });

  it("another bundle id or environment: 400, nothing stored", async () => {
    for (const overrides of [{ bundleId: "com.example.other" }, { environment: "Sandbox" }]) {
      const user = await anonymousUser();
      const sale = await buy(user.userId, PRO_MONTHLY, overrides);
      expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(400);
      expect(await entitlementsOf(user)).toEqual([]);
    }
  });

  it("needs a user's access token", async () => {
    const sale = await buy(null);
    const res = await call("/v1/purchases/app-store", {
      method: "POST",
      json: { signedTransaction: sale.signedTransaction },
    });
    expect(res.status).toBe(401);
    expect((await call("/v1/entitlements")).status).toBe(401);
  });
});
