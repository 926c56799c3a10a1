import { z } from "zod";
import { ApiError } from "../../errors";
import { GoogleAuthError } from "../../google/service-account-token";
import { playAccessToken, readPlayServiceAccount } from "./service-account";

/**
 * The Play Developer API calls entitlements need: `purchases.subscriptionsv2.get`,
 * `purchases.products.get` and the two `:acknowledge`s. Authorised with the service account's
 * token (one exchange per hour per deployment, see service-account.ts); a 401 gets one fresh
 * token and one retry.
 */

const DEFAULT_API_BASE = "https://androidpublisher.googleapis.com";
const TIMEOUT_MS = 10_000;

export type PlayApiEnv = Pick<Env, "PLAY_API_BASE" | "PLAY_SERVICE_ACCOUNT" | "PLAY_CREDENTIALS">;

/** Why a call failed: `retryable` (network, 429, 5xx, auth unavailable) or definitive (404/410: no such purchase). */
export class PlayApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "PlayApiError";
  }

  /** The token names no purchase of this app (Google answers 404 or 410). */
  get notFound(): boolean {
    return this.status === 404 || this.status === 410;
  }
}

const lineItem = z.object({
  productId: z.string(),
  expiryTime: z.string().optional(),
  autoRenewingPlan: z.object({ autoRenewEnabled: z.boolean().optional() }).optional(),
  prepaidPlan: z.object({}).passthrough().optional(),
  latestSuccessfulOrderId: z.string().optional(),
});

const subscriptionPurchaseV2 = z.object({
  subscriptionState: z.string(),
  lineItems: z.array(lineItem).default([]),
  startTime: z.string().optional(),
  latestOrderId: z.string().optional(),
  linkedPurchaseToken: z.string().optional(),
  acknowledgementState: z.string().optional(),
  testPurchase: z.object({}).passthrough().optional(),
  externalAccountIdentifiers: z.object({ obfuscatedExternalAccountId: z.string().optional() }).optional(),
});
export type SubscriptionPurchaseV2 = z.infer<typeof subscriptionPurchaseV2>;

const productPurchase = z.object({
  purchaseTimeMillis: z.string().regex(/^\d+$/),
  /** 0 purchased, 1 canceled, 2 pending. */
  purchaseState: z.number().int(),
  /** 0 yet to be acknowledged, 1 acknowledged. */
  acknowledgementState: z.number().int().optional(),
  orderId: z.string().optional(),
  productId: z.string().optional(),
  purchaseType: z.number().int().optional(),
  obfuscatedExternalAccountId: z.string().optional(),
});
export type ProductPurchase = z.infer<typeof productPurchase>;

/** Logs a failed call (the support trail for Google-side trouble). */
export function logPlayFailure(error: PlayApiError): void {
  console.error(
    JSON.stringify({
      level: "warn",
      message: "Play Developer API failed",
      status: error.status,
      error: error.message,
    }),
  );
}

/** Logs a failed call and turns it into the 503 that makes Pub/Sub (or the app) retry. */
export function playUnavailable(error: PlayApiError): ApiError {
  logPlayFailure(error);
  return new ApiError(503, "service_unavailable", "Google Play could not be reached; retry");
}

/** `PLAY_PACKAGE_NAME`; unset is 503 (a push is retried until it is configured). */
export function playPackageName(env: Pick<Env, "PLAY_PACKAGE_NAME">): string {
  const name = env.PLAY_PACKAGE_NAME?.trim() ?? "";
  if (name === "") throw new ApiError(503, "service_unavailable", "Google Play is not configured");
  return name;
}

export function createPlayApi(env: PlayApiEnv, packageName: string) {
  const base = `${(env.PLAY_API_BASE?.trim() || DEFAULT_API_BASE).replace(/\/+$/, "")}/androidpublisher/v3/applications/${encodeURIComponent(packageName)}/purchases`;
  const enc = encodeURIComponent;
  return {
    async getSubscription(purchaseToken: string): Promise<SubscriptionPurchaseV2> {
      const json = await call(env, "GET", `${base}/subscriptionsv2/tokens/${enc(purchaseToken)}`);
      return parse(subscriptionPurchaseV2, json);
    },
    async getProduct(productId: string, purchaseToken: string): Promise<ProductPurchase> {
      const json = await call(env, "GET", `${base}/products/${enc(productId)}/tokens/${enc(purchaseToken)}`);
      return parse(productPurchase, json);
    },
    async acknowledgeSubscription(subscriptionId: string, purchaseToken: string): Promise<void> {
      await call(
        env,
        "POST",
        `${base}/subscriptions/${enc(subscriptionId)}/tokens/${enc(purchaseToken)}:acknowledge`,
      );
    },
    async acknowledgeProduct(productId: string, purchaseToken: string): Promise<void> {
      await call(env, "POST", `${base}/products/${enc(productId)}/tokens/${enc(purchaseToken)}:acknowledge`);
    },
  };
}

export type PlayApi = ReturnType<typeof createPlayApi>;

function parse<T>(schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json);
  // A 200 we cannot read is Google's (or a proxy's) problem of the moment: worth a retry.
  if (!result.success) throw new PlayApiError("Play Developer API answered an unexpected shape", 200, true);
  return result.data;
}

async function call(env: PlayApiEnv, method: "GET" | "POST", url: string): Promise<unknown> {
  let token: string;
  try {
    token = await playAccessToken.get(env as Env, readPlayServiceAccount(env));
  } catch (error) {
    throw authUnavailable(error);
  }
  let res = await send(method, url, token);
  if (res.status === 401) {
    try {
      token = await playAccessToken.refreshAfterUnauthorized(env as Env, token);
    } catch (error) {
      throw authUnavailable(error);
    }
    res = await send(method, url, token);
  }
  const text = await res.text();
  if (!res.ok) {
    const retryable = res.status === 401 || res.status === 408 || res.status === 429 || res.status >= 500;
    throw new PlayApiError(`Play Developer API answered ${res.status} to ${method}`, res.status, retryable);
  }
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PlayApiError("Play Developer API answered non-JSON", res.status, true);
  }
}

async function send(method: string, url: string, token: string): Promise<Response> {
  try {
    return await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(method === "POST" ? { "content-type": "application/json" } : {}),
      },
      ...(method === "POST" ? { body: "{}" } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new PlayApiError(`Play Developer API unreachable: ${String(error)}`, 0, true);
  }
}

function authUnavailable(error: unknown): PlayApiError {
  const retryable = error instanceof GoogleAuthError ? error.retryable : true;
  if (!retryable) {
    console.error(
      JSON.stringify({ level: "error", message: "Play service account configuration", error: String(error) }),
    );
  }
  // Even a configuration error is worth Pub/Sub's retry: the message is kept until it is fixed.
  return new PlayApiError(
    `no Play access token: ${error instanceof Error ? error.message : String(error)}`,
    0,
    true,
  );
}
