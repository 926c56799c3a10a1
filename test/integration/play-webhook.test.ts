import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";
import {
  createPlayPurchase,
  deliverPlayPush,
  listEntitlements,
  failPlayApi,
  playAcknowledgements,
  playAction,
  playPush,
  playToken,
  type PushTokenOptions,
} from "./play-helpers";

const MONTHLY = "com.example.pro.monthly";
const YEARLY = "com.example.pro.yearly";
const LIFETIME = "com.example.pro.lifetime";

const deliver = deliverPlayPush;

const pro = async (accessToken: string) => (await listEntitlements(accessToken)).find((e) => e.id === "pro");

const noticeRows = (messageId: string) =>
  env.DB.prepare(
    "SELECT type, outcome, verified FROM store_notifications WHERE store = 'play' AND notification_id = ?",
  )
    .bind(messageId)
    .all<{ type: string; outcome: string | null; verified: number }>()
    .then((r) => r.results);

const purchaseRow = (token: string) =>
  env.DB.prepare(
    "SELECT user_id, product_id, state, will_renew, needs_acknowledgement, replaced_by FROM purchases WHERE store = 'play' AND purchase_id = ?",
  )
    .bind(token)
    .first<{
      user_id: string | null;
      product_id: string;
      state: string;
      will_renew: number;
      needs_acknowledgement: number;
      replaced_by: string | null;
    }>();

describe("POST /v1/webhooks/play: who may post", () => {
  it.each<[string, PushTokenOptions]>([
    ["a wrong audience", { aud: "not-our-subscription" }],
    ["another service account", { email: "someone@evil.iam.gserviceaccount.com" }],
    ["an unverified email", { emailVerified: false }],
    ["a wrong issuer", { iss: "https://accounts.evil.example" }],
    ["an expired token", { expiresIn: -300 }],
    ["a key Google never published", { signWith: "unknown-key" }],
    ["ES256 instead of RS256", { alg: "ES256" }],
    ["alg none", { alg: "none" }],
  ])("refuses a push signed with %s: 401, nothing stored", async (_, token) => {
    const user = await anonymousUser();
    const { purchase, push: genuine } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    const forged = await playPush(
      {
        subscriptionNotification: {
          version: "1.0",
          notificationType: 4,
          purchaseToken: purchase.token,
          subscriptionId: MONTHLY,
        },
      },
      { token },
    );
    const res = await deliver(forged);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await noticeRows(forged.messageId)).toEqual([]);
    expect(await purchaseRow(purchase.token)).toBeNull();
    expect(await playAcknowledgements(purchase.token)).toEqual([]);
    // The genuine push for the same purchase still works afterwards.
    expect((await deliver(genuine)).status).toBe(200);
  });

  it("refuses a push without a bearer, or with an Outpost access token, with nothing stored", async () => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    expect((await call("/v1/webhooks/play", { method: "POST", json: push.body })).status).toBe(401);
    expect((await deliver(push, `Bearer ${user.accessToken}`)).status).toBe(401);
    expect(await noticeRows(push.messageId)).toEqual([]);
    expect(await purchaseRow(purchase.token)).toBeNull();
  });

  it("refuses a genuine push for another app's package with nothing stored", async () => {
    const user = await anonymousUser();
    const { purchase } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    const push = await playPush(
      {
        subscriptionNotification: {
          version: "1.0",
          notificationType: 4,
          purchaseToken: purchase.token,
          subscriptionId: MONTHLY,
        },
      },
      { packageName: "com.example.someone.else" },
    );
    const res = await deliver(push);
    expect(res.status).toBe(400);
    expect((await res.json<{ code: string }>()).code).toBe("invalid_body");
    expect(await noticeRows(push.messageId)).toEqual([]);
    expect(await purchaseRow(purchase.token)).toBeNull();
  });

  it("refuses an authenticated body that is not a notification, with nothing stored", async () => {
    const push = await playPush({ testNotification: { version: "1.0" } });
    const res = await deliver({
      ...push,
      body: { ...push.body, message: { ...push.body.message, data: "bm90IGpzb24=" } },
    });
    expect(res.status).toBe(400);
    expect(await noticeRows(push.messageId)).toEqual([]);
  });

  it("records a test notification and answers 200", async () => {
    const push = await playPush({ testNotification: { version: "1.0" } });
    const res = await deliver(push);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, replay: false });
    expect(await noticeRows(push.messageId)).toEqual([{ type: "TEST", outcome: "ignored", verified: 1 }]);
  });
});

describe("POST /v1/webhooks/play: what it applies", () => {
  it("grants pro for a purchase, links it to the obfuscated account id and acknowledges it after recording", async () => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    expect(await pro(user.accessToken)).toBeUndefined();
    const res = await deliver(push);
    expect(res.status).toBe(200);
    expect(await pro(user.accessToken)).toMatchObject({
      active: true,
      source: "play",
      productId: MONTHLY,
      willRenew: true,
      inGracePeriod: false,
    });
    expect(await noticeRows(push.messageId)).toEqual([
      { type: "SUBSCRIPTION_PURCHASED", outcome: "applied", verified: 1 },
    ]);
    expect(await playAcknowledgements(purchase.token)).toMatchObject([
      { kind: "subscription", productId: MONTHLY },
    ]);
    expect(await purchaseRow(purchase.token)).toMatchObject({
      user_id: user.userId,
      needs_acknowledgement: 0,
    });
  });

  it("applies a replayed messageId once", async () => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    expect(await (await deliver(push)).json()).toEqual({ ok: true, replay: false });
    // The subscription is canceled at Google, but only the old message arrives again.
    await playAction(purchase.token, "cancel");
    expect(await (await deliver(push)).json()).toEqual({ ok: true, replay: true });
    expect(await noticeRows(push.messageId)).toHaveLength(1);
    expect((await pro(user.accessToken))?.willRenew).toBe(true);
    expect(await playAcknowledgements(purchase.token)).toHaveLength(1);
  });

  it("never lets an older notification overwrite a newer state", async () => {
    const user = await anonymousUser();
    const t0 = Date.now() - 60_000;
    const { purchase, push: bought } = await createPlayPurchase({
      productId: MONTHLY,
      userId: user.userId,
      eventTimeMillis: t0,
    });
    const { push: canceled } = await playAction(purchase.token, "cancel", t0 + 20_000);
    // Newest first: the cancellation lands, then the purchase notification arrives late.
    expect((await deliver(canceled)).status).toBe(200);
    // Google now says it renews again (the user resubscribed), but the late message is older.
    const { push: renewed } = await playAction(purchase.token, "renew", t0 + 40_000);
    expect((await deliver(bought)).status).toBe(200);
    expect(await noticeRows(bought.messageId)).toMatchObject([{ outcome: "stale" }]);
    expect((await pro(user.accessToken))?.willRenew).toBe(false);
    expect((await deliver(renewed)).status).toBe(200);
    expect((await pro(user.accessToken))?.willRenew).toBe(true);
  });

  it("follows a subscription through renewal, grace, hold, recovery, cancellation and expiry", async () => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    expect((await deliver(push)).status).toBe(200);
    const step = async (action: Parameters<typeof playAction>[1]) => {
      const { push: next } = await playAction(purchase.token, action);
      expect((await deliver(next)).status).toBe(200);
      return pro(user.accessToken);
    };
    expect(await step("renew")).toMatchObject({ active: true, willRenew: true, inGracePeriod: false });
    expect(await step("grace")).toMatchObject({ active: true, inGracePeriod: true });
    expect(await step("hold")).toMatchObject({ active: false });
    expect(await step("recover")).toMatchObject({ active: true, inGracePeriod: false });
    expect(await step("cancel")).toMatchObject({ active: true, willRenew: false });
    expect(await step("expire")).toMatchObject({ active: false, willRenew: false });
    expect(await purchaseRow(purchase.token)).toMatchObject({ state: "expired" });
  });

  it.each([
    ["refund", "refunded", "VOIDED_PURCHASE"],
    ["revoke", "revoked", "SUBSCRIPTION_REVOKED"],
  ] as const)("takes pro away on a %s", async (action, state, type) => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    expect((await deliver(push)).status).toBe(200);
    const { push: voided } = await playAction(purchase.token, action);
    expect((await deliver(voided)).status).toBe(200);
    expect((await pro(user.accessToken))?.active).toBe(false);
    expect(await purchaseRow(purchase.token)).toMatchObject({ state });
    expect(await noticeRows(voided.messageId)).toMatchObject([{ type, outcome: "applied" }]);
  });

  it("grants and refunds a one-time product", async () => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({
      productId: LIFETIME,
      userId: user.userId,
      kind: "product",
    });
    expect((await deliver(push)).status).toBe(200);
    expect(await pro(user.accessToken)).toMatchObject({
      active: true,
      productId: LIFETIME,
      willRenew: false,
    });
    expect(await playAcknowledgements(purchase.token)).toMatchObject([
      { kind: "product", productId: LIFETIME },
    ]);
    const { push: refunded } = await playAction(purchase.token, "refund");
    expect((await deliver(refunded)).status).toBe(200);
    expect((await pro(user.accessToken))?.active).toBe(false);
  });

  it("moves pro to the new token on an upgrade (linkedPurchaseToken) and supersedes the old one", async () => {
    const user = await anonymousUser();
    // The old purchase has no account id: the upgrade still finds the user through the link.
    const { purchase: old, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    expect((await deliver(push)).status).toBe(200);
    const { purchase: upgraded, push: upgrade } = await createPlayPurchase({
      productId: YEARLY,
      userId: null,
      linkedPurchaseToken: old.token,
    });
    expect((await deliver(upgrade)).status).toBe(200);
    expect(await pro(user.accessToken)).toMatchObject({ active: true, productId: YEARLY, willRenew: true });
    expect(await purchaseRow(old.token)).toMatchObject({ replaced_by: upgraded.token });
    expect(await purchaseRow(upgraded.token)).toMatchObject({ user_id: user.userId });
  });

  it("answers 503 with nothing stored when Google Play fails, and applies the retry", async () => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    await failPlayApi(purchase.token, 503, 1, "get");
    const res = await deliver(push);
    expect(res.status).toBe(503);
    expect(await noticeRows(push.messageId)).toEqual([]);
    expect(await purchaseRow(purchase.token)).toBeNull();
    expect(await pro(user.accessToken)).toBeUndefined();
    expect((await deliver(push)).status).toBe(200);
    expect((await pro(user.accessToken))?.active).toBe(true);
  });

  it("answers 503 when the acknowledgement fails after recording, and acknowledges on the retry", async () => {
    const user = await anonymousUser();
    const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    await failPlayApi(purchase.token, 500, 1, "acknowledge");
    expect((await deliver(push)).status).toBe(503);
    expect(await purchaseRow(purchase.token)).toMatchObject({ needs_acknowledgement: 1, state: "active" });
    expect(await playAcknowledgements(purchase.token)).toEqual([]);
    expect(await (await deliver(push)).json()).toEqual({ ok: true, replay: true });
    expect(await playAcknowledgements(purchase.token)).toHaveLength(1);
    expect(await purchaseRow(purchase.token)).toMatchObject({ needs_acknowledgement: 0 });
  });

  it("records a notification about a token Google does not know and applies nothing", async () => {
    const token = playToken();
    const push = await playPush({
      subscriptionNotification: {
        version: "1.0",
        notificationType: 2,
        purchaseToken: token,
        subscriptionId: MONTHLY,
      },
    });
    expect((await deliver(push)).status).toBe(200);
    expect(await noticeRows(push.messageId)).toMatchObject([
      { outcome: "ignored: no such purchase at Google Play" },
    ]);
    expect(await purchaseRow(token)).toBeNull();
  });
});
