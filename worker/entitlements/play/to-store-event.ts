import type { PurchaseState, StoreEvent } from "../store-event";
import type { ProductPurchase, SubscriptionPurchaseV2 } from "./api-client";

/**
 * What the Play Developer API says about a purchase, as a StoreEvent (pure). `signedAt` is the
 * notification's eventTimeMillis, or for an app's own report the time the API was asked (its
 * answer is the state as of then); `now` decides whether a canceled subscription has run out.
 */

export class UnmappablePurchase extends Error {
  override name = "UnmappablePurchase";
}

export interface MapOptions {
  signedAt: number;
  now: number;
  /** The notification said the purchase was revoked (SUBSCRIPTION_REVOKED) or voided (refund). */
  overrideState?: "revoked" | "refunded";
}

/** subscriptionsv2.subscriptionState → our state, before the canceled-but-paid-up rule. */
const SUBSCRIPTION_STATES: Record<string, PurchaseState | "canceled"> = {
  SUBSCRIPTION_STATE_ACTIVE: "active",
  SUBSCRIPTION_STATE_IN_GRACE_PERIOD: "grace_period",
  // Account hold: payment failed after grace; Google keeps retrying, the user has no access.
  SUBSCRIPTION_STATE_ON_HOLD: "billing_retry",
  SUBSCRIPTION_STATE_PAUSED: "paused",
  SUBSCRIPTION_STATE_CANCELED: "canceled",
  SUBSCRIPTION_STATE_EXPIRED: "expired",
  SUBSCRIPTION_STATE_PENDING: "pending",
  // A pending purchase the buyer never completed: nothing was ever granted.
  SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED: "expired",
};

export function subscriptionToStoreEvent(
  purchaseToken: string,
  sub: SubscriptionPurchaseV2,
  options: MapOptions,
): StoreEvent {
  const mapped = SUBSCRIPTION_STATES[sub.subscriptionState];
  if (mapped === undefined)
    throw new UnmappablePurchase(`unknown subscriptionState ${sub.subscriptionState}`);
  // The line item that runs longest decides (a subscription has one unless it is a bundle).
  let latest:
    { productId: string; expiresAt: number | null; autoRenew: boolean; orderId?: string } | undefined;
  for (const item of sub.lineItems) {
    const expiry = item.expiryTime === undefined ? Number.NaN : Date.parse(item.expiryTime);
    const expiresAt = Number.isFinite(expiry) ? expiry : null;
    if (latest === undefined || (expiresAt ?? 0) > (latest.expiresAt ?? 0)) {
      latest = {
        productId: item.productId,
        expiresAt,
        autoRenew: item.autoRenewingPlan?.autoRenewEnabled === true,
        orderId: item.latestSuccessfulOrderId,
      };
    }
  }
  if (latest === undefined) throw new UnmappablePurchase("subscription has no line items");
  // Canceled means "will not renew": access lasts until the paid period ends.
  const state: PurchaseState =
    mapped === "canceled"
      ? latest.expiresAt !== null && latest.expiresAt > options.now
        ? "active"
        : "expired"
      : mapped;
  const renewing =
    state === "active" || state === "grace_period" || state === "billing_retry" || state === "paused";
  return {
    store: "play",
    purchaseId: purchaseToken,
    replacesPurchaseId: sub.linkedPurchaseToken ?? null,
    transactionId: latest.orderId ?? sub.latestOrderId ?? purchaseToken,
    productId: latest.productId,
    accountUserId: nonEmpty(sub.externalAccountIdentifiers?.obfuscatedExternalAccountId),
    state: options.overrideState ?? state,
    expiresAt: latest.expiresAt,
    willRenew: options.overrideState === undefined && mapped !== "canceled" && renewing && latest.autoRenew,
    familyShared: false,
    signedAt: options.signedAt,
    environment: sub.testPurchase !== undefined ? "Sandbox" : "Production",
    needsAcknowledgement: sub.acknowledgementState === "ACKNOWLEDGEMENT_STATE_PENDING",
  };
}

/** products.get purchaseState: 0 purchased, 1 canceled, 2 pending. */
const PRODUCT_STATES: Record<number, PurchaseState> = { 0: "active", 1: "revoked", 2: "pending" };

export function productToStoreEvent(
  purchaseToken: string,
  productId: string,
  purchase: ProductPurchase,
  options: MapOptions,
): StoreEvent {
  const state = PRODUCT_STATES[purchase.purchaseState];
  if (state === undefined) throw new UnmappablePurchase(`unknown purchaseState ${purchase.purchaseState}`);
  return {
    store: "play",
    purchaseId: purchaseToken,
    replacesPurchaseId: null,
    transactionId: purchase.orderId ?? purchaseToken,
    productId: purchase.productId ?? productId,
    accountUserId: nonEmpty(purchase.obfuscatedExternalAccountId),
    state: options.overrideState ?? state,
    // One-time products do not expire.
    expiresAt: null,
    willRenew: false,
    familyShared: false,
    signedAt: options.signedAt,
    // purchaseType 0 is a test (license tester) purchase.
    environment: purchase.purchaseType === 0 ? "Sandbox" : "Production",
    needsAcknowledgement: purchase.acknowledgementState === 0,
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}
