import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { type SignedIn, anonymousUser, call, mintIdToken } from "../setup/http";
import { apnsToken, deliveries } from "./push-provider-control";
import { waitFor } from "./push-campaign-helpers";

/**
 * The App Store side of the entitlement tests: the fake App Store's control API (sell, move a
 * purchase through its lifecycle, sign messages — Node code, reached over loopback) and the
 * app's calls to Outpost.
 */

export const PRO_MONTHLY = "com.example.pro.monthly";
export const PRO_YEARLY = "com.example.pro.yearly";
export const PRO_LIFETIME = "com.example.pro.lifetime";

export interface Sale {
  originalTransactionId: string;
  transactionId: string;
  signedTransaction: string;
}

export interface Notification extends Sale {
  signedPayload: string;
  notificationUUID: string;
  type: string;
  subtype: string | null;
}

export type StoreAction =
  | "purchase"
  | "renewal"
  | "refund"
  | "expiry"
  | "grace"
  | "billing-retry"
  | "recover"
  | "auto-renew-off"
  | "auto-renew-on"
  | "upgrade"
  | "downgrade"
  | "revoke"
  | "refund-reversed";

async function store<T>(path: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${env.FAKES_CONTROL_URL}/app-store/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fake App Store ${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
}

/** The user buys on their phone: StoreKit's signedTransaction (appAccountToken = userId unless null). */
export const buy = (userId: string | null, productId = PRO_MONTHLY, extra: Record<string, unknown> = {}) =>
  store<Sale>("purchase", { userId, productId, ...extra });

/** The store moves a purchase (or sells one: "purchase") and signs the notification Apple would send. */
export const storeAction = (
  action: StoreAction,
  target: { originalTransactionId?: string; userId?: string | null; productId?: string },
  extra: Record<string, unknown> = {},
) => store<Notification>("action", { action, ...target, ...extra });

/** A notification of any type for a purchase as it is now (overrides make it wrong on purpose). */
export const notification = (body: Record<string, unknown>) =>
  store<{ signedPayload: string; notificationUUID: string }>("notification", body);

/** The current transaction of a purchase, as StoreKit would hand it to the app. */
export const currentTransaction = (originalTransactionId: string, extra: Record<string, unknown> = {}) =>
  store<{ signedTransaction: string }>("transaction", { originalTransactionId, ...extra });

/** Any payload signed by the test CA. */
export const signJws = (payload: Record<string, unknown>, forgery?: string) =>
  store<{ jws: string }>("sign", { payload, forgery });

export const postWebhook = (signedPayload: string) =>
  call("/v1/webhooks/app-store", { method: "POST", json: { signedPayload } });

export const reportPurchase = (user: SignedIn, signedTransaction: string) =>
  call("/v1/purchases/app-store", { method: "POST", token: user.accessToken, json: { signedTransaction } });

export interface EntitlementBody {
  id: string;
  active: boolean;
  source: string;
  productId: string;
  expiresAt?: number;
  willRenew: boolean;
  inGracePeriod: boolean;
  updatedAt: number;
}

export async function entitlementsOf(user: SignedIn): Promise<EntitlementBody[]> {
  const res = await call("/v1/entitlements", { token: user.accessToken });
  expect(res.status).toBe(200);
  return (await res.json<{ entitlements: EntitlementBody[] }>()).entitlements;
}

/** The user's "pro" entitlement (undefined: they never had one). */
export async function pro(user: SignedIn): Promise<EntitlementBody | undefined> {
  return (await entitlementsOf(user)).find((e) => e.id === "pro");
}

/** Delivers a notification and expects the webhook's 200. */
export async function deliver(n: { signedPayload: string }): Promise<{ ok: boolean; replay: boolean }> {
  const res = await postWebhook(n.signedPayload);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

/** A signed-in (not anonymous) user through the fake OIDC issuer. */
export async function signedInUser(): Promise<SignedIn> {
  const deviceId = crypto.randomUUID();
  const idToken = await mintIdToken({ sub: `buyer-${crypto.randomUUID()}`, aud: env.OIDC_AUDIENCE });
  const res = await call("/v1/auth/oidc", {
    method: "POST",
    json: { provider: env.OIDC_PROVIDER_NAME, idToken, deviceId },
  });
  if (res.status !== 200) throw new Error(`oidc sign-in: ${res.status} ${await res.text()}`);
  const body = await res.json<{ accessToken: string; refreshToken: string; user: { id: string } }>();
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: body.user.id, deviceId };
}

export { anonymousUser };

/** Registers the user's iPhone with a fresh APNs token; returns the token. */
export async function registerIphone(user: SignedIn): Promise<string> {
  const token = apnsToken();
  const res = await call(`/v1/devices/${user.deviceId}`, {
    method: "PUT",
    token: user.accessToken,
    json: { platform: "ios", pushProvider: "apns", pushToken: token },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return token;
}

/** Silent pushes with data.type "entitlements" the fake APNs accepted for the token. */
export async function entitlementPushes(token: string) {
  return (await deliveries("apns", token)).filter(
    (d) => (d.payload as { type?: string }).type === "entitlements",
  );
}

/** Waits until at least `count` entitlement pushes reached the token; returns them. */
export function entitlementPushesAtLeast(token: string, count: number) {
  return waitFor(`${count} entitlement push(es)`, async () => {
    const list = await entitlementPushes(token);
    return list.length >= count ? list : undefined;
  });
}
