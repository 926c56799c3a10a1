import type { StoreEvent, StoreNotice } from "../store-event";
import { appStoreApi } from "./api-client";
import { appStoreConfig } from "./config";
import { appleStoreEvent } from "./map";
import { verifyNotification, verifyRenewalInfo, verifyTransaction } from "./messages";
import { AppleVerificationError } from "./signed-data";

export { AppleVerificationError } from "./signed-data";

function requireConfig(env: Env) {
  const config = appStoreConfig(env);
  if (!config) throw new AppleVerificationError("the App Store is not configured (APPSTORE_BUNDLE_ID)");
  return config;
}

/** `POST /v1/webhooks/app-store`: the verified notice and its event, or AppleVerificationError. */
export async function verifyAppStoreNotification(
  env: Env,
  signedPayload: string,
  now = Date.now(),
): Promise<{ notice: StoreNotice; events: StoreEvent[] }> {
  return verifyNotification(requireConfig(env), signedPayload, now);
}

/**
 * `POST /v1/purchases/app-store`: the app's `signedTransaction`, verified, as an event. For an
 * auto-renewable subscription the App Store Server API (when configured) supplies the chain's
 * current transaction and renewal info — the app's copy says nothing about auto-renew, billing
 * retry or grace periods, and may be older than the chain's latest. The API's answer must be
 * for the same chain and verifies like any other message; if the API is unreachable the app's
 * own transaction is used (it was verified) and the next notification completes the picture.
 */
export async function appStorePurchaseEvent(
  env: Env,
  signedTransaction: string,
  now = Date.now(),
): Promise<StoreEvent> {
  const config = requireConfig(env);
  const tx = await verifyTransaction(config, signedTransaction, now);
  const api = tx.type === "Auto-Renewable Subscription" ? appStoreApi(env, config.bundleId, now) : null;
  if (api) {
    let status: Awaited<ReturnType<typeof api.subscriptionStatus>> = null;
    try {
      status = await api.subscriptionStatus(tx.transactionId);
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "warn",
          message: "App Store Server API lookup failed; using the app's transaction",
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
    if (status) {
      const current = await verifyTransaction(config, status.signedTransactionInfo, now);
      const renewal = status.signedRenewalInfo
        ? await verifyRenewalInfo(config, status.signedRenewalInfo, now)
        : null;
      if (current.originalTransactionId !== tx.originalTransactionId)
        throw new AppleVerificationError("the API answered for another purchase");
      const signedAt = Math.max(current.signedDate, renewal?.signedDate ?? 0);
      return appleStoreEvent(current, renewal, { signedAt });
    }
  }
  return appleStoreEvent(tx, null, { signedAt: tx.signedDate });
}
