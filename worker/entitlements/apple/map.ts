import type { PurchaseState, StoreEvent } from "../store-event";
import type { AppleRenewalInfo, AppleTransaction } from "./payloads";

/**
 * A verified App Store transaction (with its renewal info when the message carries one) → the
 * ledger's event. The chain's id is `originalTransactionId`: renewals, upgrades and crossgrades
 * in a subscription group keep it, so the chain stays one purchase whose product follows the
 * latest transaction (a downgrade shows up as `autoRenewProductId` and takes effect on renewal,
 * when Apple sends the new product's transaction).
 *
 * The state, in order of precedence:
 * - revoked (`REVOKE`: family sharing withdrawn) or refunded (any other `revocationDate`);
 * - expired: an `EXPIRED`/`GRACE_PERIOD_EXPIRED` notification, a transaction upgraded away from
 *   (`isUpgraded`), or an expiry at or before the signed date;
 * - in billing retry: grace period while `gracePeriodExpiresDate` is ahead (access kept until
 *   then), otherwise billing retry (access locked, may still renew);
 * - otherwise active.
 */
export function appleStoreEvent(
  tx: AppleTransaction,
  renewal: AppleRenewalInfo | null,
  context: { notificationType?: string; signedAt: number },
): StoreEvent {
  const type = context.notificationType;
  let state: PurchaseState;
  let expiresAt = tx.expiresDate;
  if (tx.revocationDate !== null) state = type === "REVOKE" ? "revoked" : "refunded";
  else if (type === "EXPIRED" || type === "GRACE_PERIOD_EXPIRED" || tx.isUpgraded) state = "expired";
  else if (renewal?.isInBillingRetryPeriod) {
    if (renewal.gracePeriodExpiresDate !== null && renewal.gracePeriodExpiresDate > context.signedAt) {
      state = "grace_period";
      expiresAt = renewal.gracePeriodExpiresDate;
    } else state = "billing_retry";
  } else if (tx.expiresDate !== null && tx.expiresDate <= context.signedAt) state = "expired";
  else state = "active";

  const autoRenewable = tx.type === "Auto-Renewable Subscription";
  // Without renewal info (the app's own report, no API key configured) an auto-renewable is
  // assumed to renew until the store says otherwise; other products never renew.
  const willRenew = autoRenewable && (renewal ? renewal.autoRenewStatus === 1 : true);

  return {
    store: "app_store",
    purchaseId: tx.originalTransactionId,
    replacesPurchaseId: null,
    transactionId: tx.transactionId,
    productId: tx.productId,
    accountUserId: tx.appAccountToken,
    state,
    expiresAt,
    willRenew,
    familyShared: tx.inAppOwnershipType === "FAMILY_SHARED",
    signedAt: context.signedAt,
    environment: tx.environment,
  };
}
