import type { StoreEvent, StoreNotice } from "../store-event";
import type { AppStoreConfig } from "./config";
import { appleStoreEvent } from "./map";
import {
  type AppleRenewalInfo,
  type AppleTransaction,
  readNotification,
  readRenewalInfo,
  readTransaction,
} from "./payloads";
import { AppleVerificationError, verifyAppleJws } from "./signed-data";

/** Narrows a verified payload, turning a missing or mistyped field into a refusal. */
function narrow<T>(
  read: (o: Record<string, unknown>) => T,
  payload: Record<string, unknown>,
  what: string,
): T {
  try {
    return read(payload);
  } catch (error) {
    throw new AppleVerificationError(`${what}: ${error instanceof Error ? error.message : "unreadable"}`);
  }
}

/** A verified transaction (the app's `signedTransaction` or a `signedTransactionInfo`) for our app. */
export async function verifyTransaction(
  config: AppStoreConfig,
  jws: string,
  now: number,
): Promise<AppleTransaction> {
  const tx = narrow(readTransaction, await verifyAppleJws(jws, config.roots, now), "transaction");
  if (tx.bundleId !== config.bundleId) throw new AppleVerificationError("transaction for another bundle id");
  if (tx.environment !== config.environment)
    throw new AppleVerificationError("transaction from another environment");
  return tx;
}

/** A verified `signedRenewalInfo` (it names no bundle id; its environment must match). */
export async function verifyRenewalInfo(
  config: AppStoreConfig,
  jws: string,
  now: number,
): Promise<AppleRenewalInfo> {
  const info = narrow(readRenewalInfo, await verifyAppleJws(jws, config.roots, now), "renewal info");
  if (info.environment !== config.environment)
    throw new AppleVerificationError("renewal info from another environment");
  return info;
}

/**
 * A verified App Store Server Notification v2 (`signedPayload`) → the notice to keep and the
 * purchase event it carries (none for notifications without a transaction, e.g. TEST). The
 * outer payload and both nested JWS are verified the same way; bundle id, environment and (in
 * Production) the app's Apple id must be ours.
 */
export async function verifyNotification(
  config: AppStoreConfig,
  signedPayload: string,
  now: number,
): Promise<{ notice: StoreNotice; events: StoreEvent[] }> {
  const n = narrow(readNotification, await verifyAppleJws(signedPayload, config.roots, now), "notification");
  const data = n.data;
  if (!data) throw new AppleVerificationError("notification without data");
  if (data.bundleId !== config.bundleId)
    throw new AppleVerificationError("notification for another bundle id");
  if (data.environment !== config.environment)
    throw new AppleVerificationError("notification from another environment");
  if (
    config.environment === "Production" &&
    (config.appAppleId === null || data.appAppleId !== config.appAppleId)
  )
    throw new AppleVerificationError("notification for another app (appAppleId)");

  const notice: StoreNotice = {
    store: "app_store",
    notificationId: n.notificationUUID,
    type: n.notificationType,
    subtype: n.subtype,
    signedAt: n.signedDate,
    raw: signedPayload,
  };
  if (!data.signedTransactionInfo) return { notice, events: [] };
  const tx = await verifyTransaction(config, data.signedTransactionInfo, now);
  const renewal = data.signedRenewalInfo
    ? await verifyRenewalInfo(config, data.signedRenewalInfo, now)
    : null;
  if (renewal && renewal.originalTransactionId !== tx.originalTransactionId)
    throw new AppleVerificationError("renewal info for another purchase");
  const event = appleStoreEvent(tx, renewal, {
    notificationType: n.notificationType,
    signedAt: n.signedDate,
  });
  return { notice, events: [event] };
}
