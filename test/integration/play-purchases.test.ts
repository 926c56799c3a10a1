import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";
import {
  createPlayPurchase,
  deliverPlayPush,
  listEntitlements,
  failPlayApi,
  playAcknowledgements,
  playPurchase,
  playToken,
  type Entitlement,
} from "./play-helpers";

const MONTHLY = "com.example.pro.monthly";
const LIFETIME = "com.example.pro.lifetime";

const report = (accessToken: string, json: unknown) =>
  call("/v1/purchases/play", { method: "POST", token: accessToken, json });

const deliver = deliverPlayPush;

const purchaseRows = (token: string) =>
  env.DB.prepare(
    "SELECT user_id, state, needs_acknowledgement FROM purchases WHERE store = 'play' AND purchase_id = ?",
  )
    .bind(token)
    .all<{ user_id: string | null; state: string; needs_acknowledgement: number }>()
    .then((r) => r.results);

const entitlements = listEntitlements;

describe("POST /v1/purchases/play", () => {
  it("verifies the token with Google, links it to the caller, answers the entitlements and acknowledges", async () => {
    const user = await anonymousUser();
    const { purchase } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    const res = await report(user.accessToken, { productId: MONTHLY, purchaseToken: purchase.token });
    expect(res.status).toBe(200);
    const body = await res.json<{ entitlements: Entitlement[] }>();
    expect(body.entitlements).toMatchObject([
      { id: "pro", active: true, source: "play", productId: MONTHLY, willRenew: true },
    ]);
    // The same shape GET /v1/entitlements answers.
    expect(await entitlements(user.accessToken)).toEqual(body.entitlements);
    expect(await playAcknowledgements(purchase.token)).toHaveLength(1);
    expect((await playPurchase(purchase.token)).acknowledged).toBe(true);
    expect(await purchaseRows(purchase.token)).toMatchObject([
      { user_id: user.userId, needs_acknowledgement: 0 },
    ]);
  });

  it("links a purchase made without an account id to the caller who reports it", async () => {
    const user = await anonymousUser();
    const { purchase } = await createPlayPurchase({ productId: LIFETIME, kind: "product", userId: null });
    const res = await report(user.accessToken, { productId: LIFETIME, purchaseToken: purchase.token });
    expect(res.status).toBe(200);
    expect((await res.json<{ entitlements: Entitlement[] }>()).entitlements).toMatchObject([
      { id: "pro", active: true, productId: LIFETIME, willRenew: false },
    ]);
    expect(await playAcknowledgements(purchase.token)).toMatchObject([{ kind: "product" }]);
  });

  it("keeps one entitlement and one purchase when both the app and Google report it, in either order", async () => {
    for (const order of ["app first", "webhook first"]) {
      const user = await anonymousUser();
      const { purchase, push } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
      const app = () => report(user.accessToken, { productId: MONTHLY, purchaseToken: purchase.token });
      const [first, second] = order === "app first" ? [app, () => deliver(push)] : [() => deliver(push), app];
      expect((await first()).status).toBe(200);
      expect((await second()).status).toBe(200);
      expect(await purchaseRows(purchase.token)).toHaveLength(1);
      expect((await entitlements(user.accessToken)).filter((e) => e.id === "pro")).toHaveLength(1);
      expect(await playAcknowledgements(purchase.token)).toHaveLength(1);
    }
  });

  it("answers 409 purchase_owned_elsewhere to another user and changes nothing", async () => {
    const owner = await anonymousUser();
    const other = await anonymousUser();
    const { purchase } = await createPlayPurchase({ productId: MONTHLY, userId: null });
    expect(
      (await report(owner.accessToken, { productId: MONTHLY, purchaseToken: purchase.token })).status,
    ).toBe(200);
    const res = await report(other.accessToken, { productId: MONTHLY, purchaseToken: purchase.token });
    expect(res.status).toBe(409);
    expect((await res.json<{ code: string }>()).code).toBe("purchase_owned_elsewhere");
    expect(await purchaseRows(purchase.token)).toMatchObject([{ user_id: owner.userId }]);
    expect(await entitlements(other.accessToken)).toEqual([]);
  });

  it("answers 409 when Google names another existing user as the buyer", async () => {
    const buyer = await anonymousUser();
    const other = await anonymousUser();
    const { purchase } = await createPlayPurchase({ productId: MONTHLY, userId: buyer.userId });
    const res = await report(other.accessToken, { productId: MONTHLY, purchaseToken: purchase.token });
    expect(res.status).toBe(409);
    expect(await purchaseRows(purchase.token)).toEqual([]);
  });

  it("refuses a token Google does not know, or one for another product, with nothing stored", async () => {
    const user = await anonymousUser();
    const unknown = playToken();
    const res = await report(user.accessToken, { productId: MONTHLY, purchaseToken: unknown });
    expect(res.status).toBe(400);
    expect((await res.json<{ code: string }>()).code).toBe("invalid_body");
    expect(await purchaseRows(unknown)).toEqual([]);
    const { purchase } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    expect(
      (await report(user.accessToken, { productId: LIFETIME, purchaseToken: purchase.token })).status,
    ).toBe(400);
    expect(await purchaseRows(purchase.token)).toEqual([]);
  });

  it("refuses bad bodies and callers without a token", async () => {
    const user = await anonymousUser();
    for (const json of [
      {},
      { productId: MONTHLY },
      { productId: "", purchaseToken: "t" },
      { productId: 1, purchaseToken: "t" },
    ]) {
      const res = await report(user.accessToken, json);
      expect(res.status).toBe(400);
      expect((await res.json<{ code: string }>()).code).toBe("invalid_body");
    }
    const res = await call("/v1/purchases/play", {
      method: "POST",
      json: { productId: MONTHLY, purchaseToken: "t" },
    });
    expect(res.status).toBe(401);
  });

  it("answers 503 with nothing stored when Google Play fails", async () => {
    const user = await anonymousUser();
    const { purchase } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    await failPlayApi(purchase.token, 503, 1, "get");
    const res = await report(user.accessToken, { productId: MONTHLY, purchaseToken: purchase.token });
    expect(res.status).toBe(503);
    expect(await purchaseRows(purchase.token)).toEqual([]);
  });

  it("still grants the purchase when only the acknowledgement fails, and keeps it flagged", async () => {
    const user = await anonymousUser();
    const { purchase } = await createPlayPurchase({ productId: MONTHLY, userId: user.userId });
    await failPlayApi(purchase.token, 500, 1, "acknowledge");
    const res = await report(user.accessToken, { productId: MONTHLY, purchaseToken: purchase.token });
    expect(res.status).toBe(200);
    expect(await purchaseRows(purchase.token)).toMatchObject([{ needs_acknowledgement: 1 }]);
    expect(await playAcknowledgements(purchase.token)).toEqual([]);
  });
});
