import { randomInt, randomUUID } from "node:crypto";
import { type Forgery, type TestChain, signAppStoreJws } from "./app-store-ca";

/**
 * The fake App Store's memory of purchases: one subscription chain per originalTransactionId,
 * moved through the lifecycle by actions, each producing the notification Apple would send
 * (type, subtype, and the chain's current transaction and renewal info, signed by the test CA).
 */

export const DAY = 24 * 3600 * 1000;
const PERIOD = 30 * DAY;
const GRACE = 16 * DAY;

export interface Chain {
  originalTransactionId: string;
  transactionId: string;
  productId: string;
  autoRenewProductId: string;
  appAccountToken: string | null;
  type: "Auto-Renewable Subscription" | "Non-Consumable";
  purchaseDate: number;
  originalPurchaseDate: number;
  expiresDate: number | null;
  autoRenewStatus: 0 | 1;
  isInBillingRetryPeriod: boolean;
  gracePeriodExpiresDate: number | null;
  revocationDate: number | null;
  isUpgraded: boolean;
  familyShared: boolean;
}

export const ACTIONS = [
  "purchase",
  "renewal",
  "refund",
  "expiry",
  "grace",
  "billing-retry",
  "recover",
  "auto-renew-off",
  "auto-renew-on",
  "upgrade",
  "downgrade",
  "revoke",
  "refund-reversed",
] as const;
export type Action = (typeof ACTIONS)[number];

export interface SigningContext {
  chain: TestChain;
  bundleId: string;
  appAppleId: number;
  environment: string;
}

/** Options that make a message wrong on purpose (forgery tests). */
export interface MessageOverrides {
  forgery?: Forgery;
  bundleId?: string;
  environment?: string;
  appAppleId?: number;
  signedDate?: number;
  notificationUUID?: string;
}

const transactionId = () => String(2_000_000_000_000 + randomInt(1, 2 ** 40));

export class AppStoreState {
  readonly chains = new Map<string, Chain>();
  constructor(readonly ctx: SigningContext) {}

  /** A new purchase (the app's StoreKit transaction and the SUBSCRIBED/ONE_TIME_CHARGE notification). */
  purchase(input: {
    userId: string | null;
    productId: string;
    lifetime?: boolean;
    familyShared?: boolean;
    now?: number;
  }): Chain {
    const now = input.now ?? Date.now();
    const id = transactionId();
    const chain: Chain = {
      originalTransactionId: id,
      transactionId: id,
      productId: input.productId,
      autoRenewProductId: input.productId,
      appAccountToken: input.userId,
      type: input.lifetime ? "Non-Consumable" : "Auto-Renewable Subscription",
      purchaseDate: now,
      originalPurchaseDate: now,
      expiresDate: input.lifetime ? null : now + PERIOD,
      autoRenewStatus: input.lifetime ? 0 : 1,
      isInBillingRetryPeriod: false,
      gracePeriodExpiresDate: null,
      revocationDate: null,
      isUpgraded: false,
      familyShared: input.familyShared ?? false,
    };
    this.chains.set(id, chain);
    return chain;
  }

  /** The newest chain bought for a user (the QA page's buttons act on it). */
  latestFor(userId: string): Chain | undefined {
    return [...this.chains.values()].filter((c) => c.appAccountToken === userId).at(-1);
  }

  /** Moves a chain through one lifecycle step; returns the notification type and subtype Apple sends. */
  apply(
    chain: Chain,
    action: Exclude<Action, "purchase">,
    options: { productId?: string; now?: number } = {},
  ) {
    const now = options.now ?? Date.now();
    switch (action) {
      case "renewal":
      case "recover": {
        if (options.productId) chain.autoRenewProductId = options.productId;
        chain.transactionId = transactionId();
        chain.productId = chain.autoRenewProductId; // a downgrade takes effect here
        chain.purchaseDate = now;
        chain.expiresDate = Math.max(now, chain.expiresDate ?? now) + PERIOD;
        chain.isInBillingRetryPeriod = false;
        chain.gracePeriodExpiresDate = null;
        return { type: "DID_RENEW", subtype: action === "recover" ? "BILLING_RECOVERY" : null };
      }
      case "grace":
        chain.expiresDate = now - 1000;
        chain.isInBillingRetryPeriod = true;
        chain.gracePeriodExpiresDate = now + GRACE;
        return { type: "DID_FAIL_TO_RENEW", subtype: "GRACE_PERIOD" };
      case "billing-retry":
        chain.expiresDate = now - 1000;
        chain.isInBillingRetryPeriod = true;
        chain.gracePeriodExpiresDate = null;
        return { type: "DID_FAIL_TO_RENEW", subtype: null };
      case "expiry":
        chain.expiresDate = Math.min(chain.expiresDate ?? now, now - 1000);
        chain.autoRenewStatus = 0;
        chain.isInBillingRetryPeriod = false;
        chain.gracePeriodExpiresDate = null;
        return { type: "EXPIRED", subtype: "VOLUNTARY" };
      case "refund":
        chain.revocationDate = now;
        return { type: "REFUND", subtype: null };
      case "revoke":
        chain.revocationDate = now;
        return { type: "REVOKE", subtype: null };
      case "refund-reversed":
        chain.revocationDate = null;
        return { type: "REFUND_REVERSED", subtype: null };
      case "auto-renew-off":
        chain.autoRenewStatus = 0;
        return { type: "DID_CHANGE_RENEWAL_STATUS", subtype: "AUTO_RENEW_DISABLED" };
      case "auto-renew-on":
        chain.autoRenewStatus = 1;
        return { type: "DID_CHANGE_RENEWAL_STATUS", subtype: "AUTO_RENEW_ENABLED" };
      case "upgrade": {
        // Immediate: a new transaction in the same chain for the higher product, a fresh period.
        const product = options.productId ?? `${chain.productId}.upgrade`;
        chain.transactionId = transactionId();
        chain.productId = product;
        chain.autoRenewProductId = product;
        chain.purchaseDate = now;
        chain.expiresDate = now + PERIOD;
        return { type: "DID_CHANGE_RENEWAL_PREF", subtype: "UPGRADE" };
      }
      case "downgrade":
        // Takes effect at the next renewal: only the renewal info changes now.
        chain.autoRenewProductId = options.productId ?? `${chain.productId}.downgrade`;
        return { type: "DID_CHANGE_RENEWAL_PREF", subtype: "DOWNGRADE" };
    }
  }

  transactionPayload(chain: Chain, o: MessageOverrides = {}): Record<string, unknown> {
    return {
      transactionId: chain.transactionId,
      originalTransactionId: chain.originalTransactionId,
      bundleId: o.bundleId ?? this.ctx.bundleId,
      productId: chain.productId,
      subscriptionGroupIdentifier: chain.type === "Auto-Renewable Subscription" ? "20000001" : undefined,
      purchaseDate: chain.purchaseDate,
      originalPurchaseDate: chain.originalPurchaseDate,
      ...(chain.expiresDate === null ? {} : { expiresDate: chain.expiresDate }),
      quantity: 1,
      type: chain.type,
      ...(chain.appAccountToken ? { appAccountToken: chain.appAccountToken } : {}),
      inAppOwnershipType: chain.familyShared ? "FAMILY_SHARED" : "PURCHASED",
      signedDate: o.signedDate ?? Date.now(),
      ...(chain.revocationDate === null ? {} : { revocationDate: chain.revocationDate, revocationReason: 0 }),
      ...(chain.isUpgraded ? { isUpgraded: true } : {}),
      environment: o.environment ?? this.ctx.environment,
      transactionReason: "PURCHASE",
      storefront: "USA",
    };
  }

  renewalPayload(chain: Chain, o: MessageOverrides = {}): Record<string, unknown> {
    return {
      originalTransactionId: chain.originalTransactionId,
      autoRenewProductId: chain.autoRenewProductId,
      productId: chain.productId,
      autoRenewStatus: chain.autoRenewStatus,
      isInBillingRetryPeriod: chain.isInBillingRetryPeriod,
      ...(chain.gracePeriodExpiresDate === null
        ? {}
        : { gracePeriodExpiresDate: chain.gracePeriodExpiresDate }),
      signedDate: o.signedDate ?? Date.now(),
      environment: o.environment ?? this.ctx.environment,
      recentSubscriptionStartDate: chain.purchaseDate,
    };
  }

  /** The app's StoreKit 2 `signedTransaction` for the chain's current transaction. */
  signedTransaction(chain: Chain, o: MessageOverrides = {}): string {
    return signAppStoreJws(this.ctx.chain, this.transactionPayload(chain, o), o.forgery);
  }

  /** The App Store Server Notification v2 body (`{signedPayload}`) for a chain in its current state. */
  notification(
    chain: Chain | null,
    type: string,
    subtype: string | null,
    o: MessageOverrides = {},
  ): { signedPayload: string; notificationUUID: string } {
    const notificationUUID = o.notificationUUID ?? randomUUID();
    const inner = { bundleId: o.bundleId, environment: o.environment, signedDate: o.signedDate };
    const payload = {
      notificationType: type,
      ...(subtype ? { subtype } : {}),
      notificationUUID,
      version: "2.0",
      signedDate: o.signedDate ?? Date.now(),
      data: {
        appAppleId: o.appAppleId ?? this.ctx.appAppleId,
        bundleId: o.bundleId ?? this.ctx.bundleId,
        bundleVersion: "1",
        environment: o.environment ?? this.ctx.environment,
        ...(chain
          ? {
              signedTransactionInfo: signAppStoreJws(this.ctx.chain, this.transactionPayload(chain, inner)),
              ...(chain.type === "Auto-Renewable Subscription"
                ? { signedRenewalInfo: signAppStoreJws(this.ctx.chain, this.renewalPayload(chain, inner)) }
                : {}),
              status: chain.revocationDate
                ? 5
                : chain.isInBillingRetryPeriod
                  ? chain.gracePeriodExpiresDate
                    ? 4
                    : 3
                  : 1,
            }
          : {}),
      },
    };
    return { signedPayload: signAppStoreJws(this.ctx.chain, payload, o.forgery), notificationUUID };
  }
}
