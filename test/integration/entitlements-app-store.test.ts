import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  PRO_LIFETIME,
  PRO_MONTHLY,
  PRO_YEARLY,
  anonymousUser,
  buy,
  currentTransaction,
  deliver,
  entitlementsOf,
  postWebhook as postWebhookRaw,
  pro,
  reportPurchase,
  signedInUser,
  storeAction,
} from "./entitlements-helpers";

const DAY = 24 * 3600 * 1000;

async function purchaseRow(originalTransactionId: string) {
  return env.DB.prepare("SELECT * FROM purchases WHERE store = 'app_store' AND purchase_id = ?")
    .bind(originalTransactionId)
    .first<{
      user_id: string | null;
      state: string;
      product_id: string;
      signed_at: number;
      updated_at: number;
    }>();
}

async function noticeRows(originalTransactionId: string) {
  const { results } = await env.DB.prepare(
    "SELECT notification_id, type, subtype, outcome, verified FROM store_notifications WHERE purchase_id = ? ORDER BY received_at",
  )
    .bind(originalTransactionId)
    .all<{
      notification_id: string;
      type: string;
      subtype: string | null;
      outcome: string | null;
      verified: number;
    }>();
  return results;
}

describe("App Store purchases: the app's report", () => {
  it("links the purchase to the caller and answers with the entitlements", async () => {
    const user = await anonymousUser();
    const sale = await buy(user.userId);
    const res = await reportPurchase(user, sale.signedTransaction);
    expect(res.status).toBe(200);
    const body = await res.json<{ entitlements: { id: string; active: boolean }[] }>();
    expect(body.entitlements).toEqual([
      expect.objectContaining({ id: "pro", active: true, source: "app_store", productId: PRO_MONTHLY }),
    ]);
    expect(await pro(user)).toMatchObject({ active: true, willRenew: true, inGracePeriod: false });
    expect((await purchaseRow(sale.originalTransactionId))?.user_id).toBe(user.userId);
  });

  it("reads the current state from the App Store Server API (auto-renew off shows as willRenew false)", async () => {
    const user = await anonymousUser();
    const sale = await buy(user.userId);
    // The store knows more than the app's copy: the user turned auto-renew off in Settings.
    await storeAction("auto-renew-off", { originalTransactionId: sale.originalTransactionId });
    expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
    expect(await pro(user)).toMatchObject({ active: true, willRenew: false });
  });

  it("grants nothing for a product no entitlement lists, but keeps the purchase", async () => {
    const user = await anonymousUser();
    const sale = await buy(user.userId, "com.example.coins.100");
    expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
    expect(await entitlementsOf(user)).toEqual([]);
    expect(await purchaseRow(sale.originalTransactionId)).toMatchObject({ state: "active" });
  });

  it("is 409 purchase_owned_elsewhere for a purchase linked to another user, and changes nothing", async () => {
    const owner = await signedInUser();
    const other = await signedInUser();
    const sale = await buy(owner.userId);
    expect((await reportPurchase(owner, sale.signedTransaction)).status).toBe(200);
    const before = await purchaseRow(sale.originalTransactionId);

    const res = await reportPurchase(other, sale.signedTransaction);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "purchase_owned_elsewhere" });
    expect(await purchaseRow(sale.originalTransactionId)).toEqual(before);
    expect(await entitlementsOf(other)).toEqual([]);
    expect(await pro(owner)).toMatchObject({ active: true });
  });

  it("is 409 for a first report by someone other than the user the purchase's appAccountToken names", async () => {
    const buyer = await signedInUser();
    const other = await signedInUser();
    const sale = await buy(buyer.userId);
    const res = await reportPurchase(other, sale.signedTransaction);
    expect(res.status).toBe(409);
    expect(await purchaseRow(sale.originalTransactionId)).toBeNull();
  });

  it("lets an anonymous buyer who then signs in keep what they bought (same user id)", async () => {
    const anon = await anonymousUser();
    const sale = await buy(anon.userId);
    expect((await reportPurchase(anon, sale.signedTransaction)).status).toBe(200);
    // Upgrade in place: an OIDC sign-in carrying the anonymous access token.
    const { mintIdToken, call } = await import("../setup/http");
    const idToken = await mintIdToken({ sub: `upgrader-${crypto.randomUUID()}`, aud: env.OIDC_AUDIENCE });
    const res = await call("/v1/auth/oidc", {
      method: "POST",
      token: anon.accessToken,
      json: { provider: env.OIDC_PROVIDER_NAME, idToken },
    });
    expect(res.status).toBe(200);
    const upgraded = await res.json<{ accessToken: string; user: { id: string; anonymous: boolean } }>();
    expect(upgraded.user).toMatchObject({ id: anon.userId, anonymous: false });
    const signedIn = { ...anon, accessToken: upgraded.accessToken };
    expect(await pro(signedIn)).toMatchObject({ active: true });
    // And the store's later notifications still find them.
    await deliver(await storeAction("refund", { originalTransactionId: sale.originalTransactionId }));
    expect(await pro(signedIn)).toMatchObject({ active: false });
  });
});

describe("App Store purchases: an anonymous buyer signing into an existing account", () => {
  /** Signs into the account of identity `sub` (created on first use), optionally carrying a bearer. */
  async function signInAs(sub: string, bearer?: string) {
    const { mintIdToken, call } = await import("../setup/http");
    const idToken = await mintIdToken({ sub, aud: env.OIDC_AUDIENCE });
    const res = await call("/v1/auth/oidc", {
      method: "POST",
      token: bearer,
      json: { provider: env.OIDC_PROVIDER_NAME, idToken },
    });
    expect(res.status).toBe(200);
    const body = await res.json<{
      accessToken: string;
      refreshToken: string;
      user: { id: string; anonymous: boolean };
    }>();
    return {
      userId: body.user.id,
      accessToken: body.accessToken,
      refreshToken: body.refreshToken,
      deviceId: "",
      anonymous: body.user.anonymous,
    };
  }

  it("takes what they bought along: the account holds it, the orphaned anonymous user nothing", async () => {
    const sub = `existing-${crypto.randomUUID()}`;
    // The account exists already (signed in on another phone), with nothing bought.
    const account = await signInAs(sub);
    expect(await entitlementsOf(account)).toEqual([]);

    // On a new phone the app starts anonymous, and the user buys pro there.
    const anon = await anonymousUser();
    const sale = await buy(anon.userId);
    expect((await reportPurchase(anon, sale.signedTransaction)).status).toBe(200);

    // Then signs into the existing account, carrying the anonymous token.
    const signedIn = await signInAs(sub, anon.accessToken);
    expect(signedIn).toMatchObject({ userId: account.userId, anonymous: false });
    expect(await pro(signedIn)).toMatchObject({ active: true });
    expect((await purchaseRow(sale.originalTransactionId))?.user_id).toBe(account.userId);
    expect(await entitlementsOf(anon)).toEqual([]);
    // The account's own report of the purchase is its own now, not a 409.
    expect((await reportPurchase(signedIn, sale.signedTransaction)).status).toBe(200);
    // And the store's later messages reach the account.
    await deliver(await storeAction("refund", { originalTransactionId: sale.originalTransactionId }));
    expect(await pro(signedIn)).toMatchObject({ active: false });
  });

  it("moves nothing when the caller signing into another account is not anonymous", async () => {
    const owner = await signedInUser();
    const sale = await buy(owner.userId);
    expect((await reportPurchase(owner, sale.signedTransaction)).status).toBe(200);
    const sub = `other-${crypto.randomUUID()}`;
    const other = await signInAs(sub);
    const switched = await signInAs(sub, owner.accessToken);
    expect(switched.userId).toBe(other.userId);
    expect((await purchaseRow(sale.originalTransactionId))?.user_id).toBe(owner.userId);
    expect(await pro(owner)).toMatchObject({ active: true });
    expect(await entitlementsOf(switched)).toEqual([]);
  });
});

describe("App Store purchases: the app's report and the store's notification", () => {
  it("land on one purchase and one entitlement, whichever comes first", async () => {
    // Report first, then the notification.
    const a = await anonymousUser();
    const saleA = await storeAction("purchase", { userId: a.userId, productId: PRO_MONTHLY });
    expect((await reportPurchase(a, saleA.signedTransaction)).status).toBe(200);
    await deliver(saleA);
    // Notification first, then the report.
    const b = await anonymousUser();
    const saleB = await storeAction("purchase", { userId: b.userId, productId: PRO_MONTHLY });
    await deliver(saleB);
    expect((await reportPurchase(b, saleB.signedTransaction)).status).toBe(200);

    for (const [user, sale] of [
      [a, saleA],
      [b, saleB],
    ] as const) {
      const list = await entitlementsOf(user);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ id: "pro", active: true });
      const { results } = await env.DB.prepare("SELECT count(*) AS n FROM purchases WHERE user_id = ?")
        .bind(user.userId)
        .all<{ n: number }>();
      expect(results[0]?.n).toBe(1);
      expect((await noticeRows(sale.originalTransactionId)).map((r) => r.type).sort()).toEqual([
        "APP_REPORT",
        "SUBSCRIBED",
      ]);
    }
  });

  it("arriving at the same moment, they still make one purchase and one entitlement", async () => {
    for (let i = 0; i < 3; i++) {
      const user = await anonymousUser();
      const sale = await storeAction("purchase", { userId: user.userId, productId: PRO_MONTHLY });
      const [report, webhook] = await Promise.all([
        reportPurchase(user, sale.signedTransaction),
        postWebhookRaw(sale.signedPayload),
      ]);
      expect([report.status, webhook.status]).toEqual([200, 200]);
      const rows = await env.DB.prepare("SELECT state, user_id FROM purchases WHERE user_id = ?")
        .bind(user.userId)
        .all();
      expect(rows.results).toEqual([{ state: "active", user_id: user.userId }]);
      expect(await entitlementsOf(user)).toEqual([expect.objectContaining({ id: "pro", active: true })]);
    }
  });

  it("a notification alone links the purchase to the user its appAccountToken names", async () => {
    const user = await anonymousUser();
    const sale = await storeAction("purchase", { userId: user.userId, productId: PRO_YEARLY });
    await deliver(sale);
    expect(await pro(user)).toMatchObject({ active: true, productId: PRO_YEARLY });
  });

  it("a notification for an unknown user is kept, unlinked, and the app's report links it later", async () => {
    const user = await anonymousUser();
    const sale = await storeAction("purchase", { userId: null, productId: PRO_MONTHLY });
    await deliver(sale);
    const rows = await noticeRows(sale.originalTransactionId);
    expect(rows[0]).toMatchObject({ type: "SUBSCRIBED", outcome: "applied:unlinked", verified: 1 });
    expect((await purchaseRow(sale.originalTransactionId))?.user_id).toBeNull();
    expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
    expect(await pro(user)).toMatchObject({ active: true });
  });
});

describe("App Store purchases: every lifecycle transition", () => {
  async function subscribed(productId = PRO_MONTHLY) {
    const user = await anonymousUser();
    const sale = await storeAction("purchase", { userId: user.userId, productId });
    await deliver(sale);
    return { user, id: sale.originalTransactionId };
  }
  const step = async (id: string, action: Parameters<typeof storeAction>[0], productId?: string) =>
    deliver(await storeAction(action, { originalTransactionId: id, productId }));

  it("renewal extends the expiry", async () => {
    const { user, id } = await subscribed();
    const first = (await pro(user))?.expiresAt ?? 0;
    await step(id, "renewal");
    const renewed = await pro(user);
    expect(renewed).toMatchObject({ active: true, willRenew: true });
    expect(renewed?.expiresAt).toBeGreaterThan(first + 20 * DAY);
  });

  it("auto-renew off and on flip willRenew and keep access", async () => {
    const { user, id } = await subscribed();
    await step(id, "auto-renew-off");
    expect(await pro(user)).toMatchObject({ active: true, willRenew: false });
    await step(id, "auto-renew-on");
    expect(await pro(user)).toMatchObject({ active: true, willRenew: true });
  });

  it("a billing failure with a grace period keeps access until the grace period ends", async () => {
    const { user, id } = await subscribed();
    await step(id, "grace");
    const graced = await pro(user);
    expect(graced).toMatchObject({ active: true, inGracePeriod: true, willRenew: true });
    expect(graced?.expiresAt).toBeGreaterThan(Date.now() + 15 * DAY);
    expect((await purchaseRow(id))?.state).toBe("grace_period");
  });

  it("billing retry without a grace period locks, and recovery unlocks", async () => {
    const { user, id } = await subscribed();
    await step(id, "billing-retry");
    expect(await pro(user)).toMatchObject({ active: false, inGracePeriod: false, willRenew: true });
    expect((await purchaseRow(id))?.state).toBe("billing_retry");
    await step(id, "recover");
    expect(await pro(user)).toMatchObject({ active: true, inGracePeriod: false });
  });

  it("expiry locks", async () => {
    const { user, id } = await subscribed();
    await step(id, "expiry");
    expect(await pro(user)).toMatchObject({ active: false, willRenew: false });
    expect((await purchaseRow(id))?.state).toBe("expired");
  });

  it("a refund takes it away, and a reversed refund gives it back", async () => {
    const { user, id } = await subscribed();
    await step(id, "refund");
    expect(await pro(user)).toMatchObject({ active: false });
    expect((await purchaseRow(id))?.state).toBe("refunded");
    await step(id, "refund-reversed");
    expect(await pro(user)).toMatchObject({ active: true });
  });

  it("revocation (family sharing withdrawn) locks", async () => {
    const user = await anonymousUser();
    const sale = await storeAction(
      "purchase",
      { userId: user.userId, productId: PRO_MONTHLY },
      { familyShared: true },
    );
    await deliver(sale);
    expect(await pro(user)).toMatchObject({ active: true });
    expect(
      (
        await env.DB.prepare("SELECT family_shared FROM purchases WHERE purchase_id = ?")
          .bind(sale.originalTransactionId)
          .first()
      )?.family_shared,
    ).toBe(1);
    await step(sale.originalTransactionId, "revoke");
    expect(await pro(user)).toMatchObject({ active: false });
    expect((await purchaseRow(sale.originalTransactionId))?.state).toBe("revoked");
  });

  it("an upgrade switches the product at once within the same purchase chain", async () => {
    const { user, id } = await subscribed(PRO_MONTHLY);
    await step(id, "upgrade", PRO_YEARLY);
    expect(await pro(user)).toMatchObject({ active: true, productId: PRO_YEARLY });
    const { results } = await env.DB.prepare("SELECT count(*) AS n FROM purchases WHERE user_id = ?")
      .bind(user.userId)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(1);
  });

  it("a downgrade keeps the current product until the renewal switches it", async () => {
    const { user, id } = await subscribed(PRO_YEARLY);
    await step(id, "downgrade", PRO_MONTHLY);
    expect(await pro(user)).toMatchObject({ active: true, productId: PRO_YEARLY });
    await step(id, "renewal");
    expect(await pro(user)).toMatchObject({ active: true, productId: PRO_MONTHLY });
  });

  it("a lifetime (non-consumable) purchase never expires and never renews", async () => {
    const user = await anonymousUser();
    const sale = await storeAction(
      "purchase",
      { userId: user.userId, productId: PRO_LIFETIME },
      { lifetime: true },
    );
    expect(sale.type).toBe("ONE_TIME_CHARGE");
    await deliver(sale);
    const e = await pro(user);
    expect(e).toMatchObject({ active: true, willRenew: false, productId: PRO_LIFETIME });
    expect(e?.expiresAt).toBeUndefined();
  });
});

describe("App Store notifications: replays and reordering", () => {
  it("a replayed notification is 200 with nothing applied again", async () => {
    const user = await anonymousUser();
    const sale = await storeAction("purchase", { userId: user.userId, productId: PRO_MONTHLY });
    expect(await deliver(sale)).toEqual({ ok: true, replay: false });
    const refund = await storeAction("refund", { originalTransactionId: sale.originalTransactionId });
    await deliver(refund);
    const afterRefund = await purchaseRow(sale.originalTransactionId);
    // Apple retries the purchase notification: it must not re-grant anything.
    expect(await deliver(sale)).toEqual({ ok: true, replay: true });
    expect(await purchaseRow(sale.originalTransactionId)).toEqual(afterRefund);
    expect(await pro(user)).toMatchObject({ active: false });
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM store_notifications WHERE notification_id = ?",
    )
      .bind(sale.notificationUUID)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(1);
  });

  it("an older notification arriving late never overwrites a newer state", async () => {
    const user = await anonymousUser();
    const sale = await storeAction("purchase", { userId: user.userId, productId: PRO_MONTHLY });
    await deliver(sale);
    // The refund is signed now; a renewal notification signed a minute earlier arrives after it.
    const renewal = await storeAction(
      "renewal",
      { originalTransactionId: sale.originalTransactionId },
      { signedDate: Date.now() - 60_000 },
    );
    const refund = await storeAction("refund", { originalTransactionId: sale.originalTransactionId });
    await deliver(refund);
    const refunded = await purchaseRow(sale.originalTransactionId);
    await deliver(renewal);
    expect(await purchaseRow(sale.originalTransactionId)).toMatchObject({
      state: "refunded",
      signed_at: refunded?.signed_at,
    });
    expect(await pro(user)).toMatchObject({ active: false });
    const rows = await noticeRows(sale.originalTransactionId);
    expect(rows.find((r) => r.notification_id === renewal.notificationUUID)?.outcome).toBe("stale");
  });

  it("the app re-reporting an old transaction after a refund does not bring access back", async () => {
    const user = await anonymousUser();
    const sale = await buy(user.userId);
    const old = await currentTransaction(sale.originalTransactionId, { signedDate: Date.now() - 60_000 });
    expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
    await deliver(await storeAction("refund", { originalTransactionId: sale.originalTransactionId }));
    // No API key round trip can help here: the status lookup says refunded too.
    expect((await reportPurchase(user, old.signedTransaction)).status).toBe(200);
    expect(await pro(user)).toMatchObject({ active: false });
  });
});

describe("the user's record", () => {
  it("shows entitlements, purchases and every step that touched them, newest first", async () => {
    const { entitlementRecord } = await import("../../worker/entitlements/record");
    const user = await anonymousUser();
    const sale = await storeAction("purchase", { userId: user.userId, productId: PRO_MONTHLY });
    expect((await reportPurchase(user, sale.signedTransaction)).status).toBe(200);
    await deliver(sale);
    await deliver(await storeAction("refund", { originalTransactionId: sale.originalTransactionId }));
    const record = await entitlementRecord({ env, d1: env.DB }, user.userId);
    expect(record.entitlements).toEqual([expect.objectContaining({ id: "pro", active: false })]);
    expect(record.purchases).toEqual([
      expect.objectContaining({
        purchaseId: sale.originalTransactionId,
        state: "refunded",
        userId: user.userId,
      }),
    ]);
    // The report read the current state from the App Store Server API, signed after the
    // SUBSCRIBED notification was: that notification, arriving later, is older news.
    expect(record.notices.map((n) => [n.type, n.outcome])).toEqual([
      ["REFUND", "applied"],
      ["SUBSCRIBED", "stale"],
      ["APP_REPORT", "applied"],
    ]);
  });
});
