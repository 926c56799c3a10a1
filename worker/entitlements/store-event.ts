/** What a verified store message says about one purchase, normalised across App Store and Google Play. */
export type Store = "app_store" | "play";

/**
 * The states a purchase really goes through, each mapped to the entitlement fields by ent-core:
 * active/grace_period keep access, billing_retry/expired/refunded/revoked/paused/pending do not.
 */
export type PurchaseState =
  | "active"
  | "grace_period"
  | "billing_retry"
  | "expired"
  | "refunded"
  | "revoked"
  | "paused"
  | "pending";

export interface StoreEvent {
  store: Store;
  /** Stable id of the purchase chain: Apple originalTransactionId; Play purchaseToken (the newest one of a linked chain). */
  purchaseId: string;
  /** Play: an older token this purchase replaces (upgrade/downgrade/resubscribe), so its row is superseded. */
  replacesPurchaseId?: string | null;
  /** Apple transactionId / Play latest orderId. */
  transactionId: string;
  productId: string;
  /** User named by the store message itself: Apple appAccountToken / Play obfuscatedExternalAccountId. */
  accountUserId: string | null;
  state: PurchaseState;
  expiresAt: number | null;
  willRenew: boolean;
  familyShared: boolean;
  /** The store's signed date of this state (orders out-of-order notifications). */
  signedAt: number;
  environment: string | null;
  /** Play purchases that still need acknowledging. */
  needsAcknowledgement?: boolean;
}

/** One notification as received (every one is kept for support). */
export interface StoreNotice {
  store: Store;
  /** Apple notificationUUID / Pub/Sub messageId: the idempotency key. */
  notificationId: string;
  type: string;
  subtype: string | null;
  signedAt: number;
  raw: string;
}
