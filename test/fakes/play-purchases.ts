import { randomBytes } from "node:crypto";
import type { FakePlayPurchase, PlayAction } from "./play-types";

export type { FakePlayPurchase, PlayAction };

/**
 * The purchases the fake Play Developer API holds, and the lifecycle steps tests and the QA page
 * drive them through. Each step changes the purchase as Google would and returns the real-time
 * developer notification Google would publish for it.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_MS = 30 * DAY_MS;

export const PLAY_ACTIONS: readonly PlayAction[] = [
  "renew",
  "cancel",
  "grace",
  "hold",
  "recover",
  "pause",
  "expire",
  "revoke",
  "refund",
];

export interface NewPurchase {
  kind?: "subscription" | "product";
  productId: string;
  userId?: string | null;
  token?: string;
  /** Subscriptions: the token this one replaces (upgrade/downgrade); it is expired as replaced. */
  linkedPurchaseToken?: string;
  pending?: boolean;
  test?: boolean;
}

/** The notification payload (before packageName/eventTimeMillis/version are added). */
export type NotificationBody = Record<string, unknown>;

let orderSeq = 1000;
function newOrderId(): string {
  orderSeq++;
  return `GPA.${String(orderSeq).padStart(4, "0")}-${randomBytes(2).toString("hex")}-${randomBytes(2).toString("hex")}-${String(10000 + (orderSeq % 90000))}`;
}

const SUB_TYPES: Record<Exclude<PlayAction, "refund">, number> = {
  recover: 1,
  renew: 2,
  cancel: 3,
  hold: 5,
  grace: 6,
  pause: 10,
  revoke: 12,
  expire: 13,
};

export class PlayPurchases {
  readonly #byToken = new Map<string, FakePlayPurchase>();

  get(token: string): FakePlayPurchase | undefined {
    return this.#byToken.get(token);
  }

  list(): FakePlayPurchase[] {
    return [...this.#byToken.values()].reverse();
  }

  /** A new purchase and the PURCHASED notification for it. */
  create(
    input: NewPurchase,
    now = Date.now(),
  ): { purchase: FakePlayPurchase; notification: NotificationBody } {
    const kind = input.kind ?? "subscription";
    const token = input.token ?? `play-${randomBytes(18).toString("base64url")}`;
    if (this.#byToken.has(token)) throw new Error(`purchase token ${token} exists`);
    const purchase: FakePlayPurchase = {
      kind,
      token,
      productId: input.productId,
      userId: input.userId ?? null,
      orderId: newOrderId(),
      subscriptionState: input.pending ? "SUBSCRIPTION_STATE_PENDING" : "SUBSCRIPTION_STATE_ACTIVE",
      expiryTime: now + PERIOD_MS,
      autoRenew: true,
      linkedPurchaseToken: input.linkedPurchaseToken ?? null,
      purchaseState: input.pending ? 2 : 0,
      purchaseTime: now,
      acknowledged: false,
      test: input.test ?? false,
    };
    if (kind === "subscription" && input.linkedPurchaseToken !== undefined) {
      const old = this.#byToken.get(input.linkedPurchaseToken);
      if (old) {
        // The replaced subscription ends now (Google cancels it with a replacement cancellation).
        old.subscriptionState = "SUBSCRIPTION_STATE_EXPIRED";
        old.autoRenew = false;
        old.expiryTime = now;
      }
    }
    this.#byToken.set(token, purchase);
    const notification =
      kind === "subscription"
        ? subscriptionNotification(purchase, 4)
        : {
            oneTimeProductNotification: {
              version: "1.0",
              notificationType: 1,
              purchaseToken: token,
              sku: input.productId,
            },
          };
    return { purchase, notification };
  }

  /** One lifecycle step; throws for a step that does not apply to the purchase. */
  apply(
    token: string,
    action: PlayAction,
    now = Date.now(),
  ): { purchase: FakePlayPurchase; notification: NotificationBody } {
    const p = this.#byToken.get(token);
    if (!p) throw new Error(`no purchase with token ${token}`);
    if (action === "refund") {
      if (p.kind === "subscription") {
        p.subscriptionState = "SUBSCRIPTION_STATE_EXPIRED";
        p.autoRenew = false;
        p.expiryTime = now;
      } else {
        p.purchaseState = 1;
      }
      return {
        purchase: p,
        notification: {
          voidedPurchaseNotification: {
            purchaseToken: token,
            orderId: p.orderId,
            productType: p.kind === "subscription" ? 1 : 2,
            refundType: 1,
          },
        },
      };
    }
    if (p.kind !== "subscription") throw new Error(`${action} applies to subscriptions only`);
    switch (action) {
      case "renew":
      case "recover":
        p.subscriptionState = "SUBSCRIPTION_STATE_ACTIVE";
        p.autoRenew = true;
        p.expiryTime = Math.max(p.expiryTime, now) + PERIOD_MS;
        p.orderId = `${p.orderId.split("..")[0]}..${Number(p.orderId.split("..")[1] ?? -1) + 1}`;
        break;
      case "cancel":
        p.subscriptionState = "SUBSCRIPTION_STATE_CANCELED";
        p.autoRenew = false;
        break;
      case "grace":
        p.subscriptionState = "SUBSCRIPTION_STATE_IN_GRACE_PERIOD";
        p.expiryTime = now + 3 * DAY_MS;
        break;
      case "hold":
        p.subscriptionState = "SUBSCRIPTION_STATE_ON_HOLD";
        p.expiryTime = now;
        break;
      case "pause":
        p.subscriptionState = "SUBSCRIPTION_STATE_PAUSED";
        break;
      case "expire":
      case "revoke":
        p.subscriptionState = "SUBSCRIPTION_STATE_EXPIRED";
        p.autoRenew = false;
        p.expiryTime = now;
        break;
    }
    return { purchase: p, notification: subscriptionNotification(p, SUB_TYPES[action]) };
  }

  clear(): void {
    this.#byToken.clear();
  }
}

function subscriptionNotification(p: FakePlayPurchase, notificationType: number): NotificationBody {
  return {
    subscriptionNotification: {
      version: "1.0",
      notificationType,
      purchaseToken: p.token,
      subscriptionId: p.productId,
    },
  };
}

/** subscriptionsv2.get's answer for a subscription. */
export function subscriptionResource(p: FakePlayPurchase): Record<string, unknown> {
  return {
    kind: "androidpublisher#subscriptionPurchaseV2",
    regionCode: "US",
    startTime: new Date(p.purchaseTime).toISOString(),
    subscriptionState: p.subscriptionState,
    latestOrderId: p.orderId,
    ...(p.linkedPurchaseToken ? { linkedPurchaseToken: p.linkedPurchaseToken } : {}),
    acknowledgementState: p.acknowledged
      ? "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED"
      : "ACKNOWLEDGEMENT_STATE_PENDING",
    ...(p.userId !== null ? { externalAccountIdentifiers: { obfuscatedExternalAccountId: p.userId } } : {}),
    ...(p.test ? { testPurchase: {} } : {}),
    lineItems: [
      {
        productId: p.productId,
        expiryTime: new Date(p.expiryTime).toISOString(),
        autoRenewingPlan: { autoRenewEnabled: p.autoRenew },
        offerDetails: { basePlanId: "monthly" },
        latestSuccessfulOrderId: p.orderId,
      },
    ],
  };
}

/** products.get's answer for a one-time product. */
export function productResource(p: FakePlayPurchase): Record<string, unknown> {
  return {
    kind: "androidpublisher#productPurchase",
    purchaseTimeMillis: String(p.purchaseTime),
    purchaseState: p.purchaseState,
    consumptionState: 0,
    orderId: p.orderId,
    ...(p.test ? { purchaseType: 0 } : {}),
    acknowledgementState: p.acknowledged ? 1 : 0,
    productId: p.productId,
    quantity: 1,
    regionCode: "US",
    ...(p.userId !== null ? { obfuscatedExternalAccountId: p.userId } : {}),
  };
}
