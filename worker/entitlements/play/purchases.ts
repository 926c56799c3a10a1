import type { LedgerContext } from "../ledger";
import { clearNeedsAcknowledgement, readPurchase } from "../queries/purchases";
import type { PurchaseState, StoreEvent } from "../store-event";
import { type PlayApi, PlayApiError } from "./api-client";
import { type PlayNotice, SUBSCRIPTION_REVOKED } from "./notification";
import { productToStoreEvent, subscriptionToStoreEvent } from "./to-store-event";

/**
 * What Google Play says about a purchase now, as the StoreEvent to apply, and acknowledging it
 * once it is recorded. A notification carries only a token: the state always comes from the
 * Play Developer API (so a forged or stale payload cannot set it).
 */

/** A purchase as Google reports it now, and which API acknowledges it. */
export interface PlayLookup {
  event: StoreEvent;
  kind: "subscription" | "product";
}

const subscription = (event: StoreEvent): PlayLookup => ({ event, kind: "subscription" });
const product = (event: StoreEvent): PlayLookup => ({ event, kind: "product" });

/** The purchase a notification is about, looked up; null when Google knows no such purchase. */
export async function lookUpNotice(
  ctx: Pick<LedgerContext, "d1">,
  api: PlayApi,
  notice: Exclude<PlayNotice, { kind: "test" }>,
  signedAt: number,
  now: number,
): Promise<PlayLookup | null> {
  try {
    switch (notice.kind) {
      case "subscription": {
        const sub = await api.getSubscription(notice.purchaseToken);
        const overrideState = notice.notificationType === SUBSCRIPTION_REVOKED ? "revoked" : undefined;
        return subscription(
          subscriptionToStoreEvent(notice.purchaseToken, sub, { signedAt, now, overrideState }),
        );
      }
      case "one_time_product": {
        const purchase = await api.getProduct(notice.productId, notice.purchaseToken);
        return product(
          productToStoreEvent(notice.purchaseToken, notice.productId, purchase, { signedAt, now }),
        );
      }
      case "voided": {
        if (notice.productType === "subscription") {
          const sub = await api.getSubscription(notice.purchaseToken);
          const refunded = { signedAt, now, overrideState: "refunded" as const };
          return subscription(subscriptionToStoreEvent(notice.purchaseToken, sub, refunded));
        }
        // A voided one-time product names no product: only one we recorded can be looked up.
        const known = await readPurchase(ctx.d1, "play", notice.purchaseToken);
        if (!known) return null;
        const purchase = await api.getProduct(known.productId, notice.purchaseToken);
        const refunded = { signedAt, now, overrideState: "refunded" as const };
        return product(productToStoreEvent(notice.purchaseToken, known.productId, purchase, refunded));
      }
    }
  } catch (error) {
    if (error instanceof PlayApiError && error.notFound) return null;
    throw error;
  }
}

/**
 * The app's report: a subscription token or a one-time product's. The report says only the
 * product and token, so a token subscriptionsv2 does not know is tried as a one-time product.
 * Null when Google knows neither, or the token belongs to another product.
 */
export async function lookUpReport(
  api: PlayApi,
  productId: string,
  purchaseToken: string,
  now: number,
): Promise<PlayLookup | null> {
  try {
    const sub = await api.getSubscription(purchaseToken);
    if (!sub.lineItems.some((item) => item.productId === productId)) return null;
    return subscription(subscriptionToStoreEvent(purchaseToken, sub, { signedAt: now, now }));
  } catch (error) {
    if (!(error instanceof PlayApiError && error.notFound)) throw error;
  }
  try {
    const purchase = await api.getProduct(productId, purchaseToken);
    return product(productToStoreEvent(purchaseToken, productId, purchase, { signedAt: now, now }));
  } catch (error) {
    if (error instanceof PlayApiError && error.notFound) return null;
    throw error;
  }
}

/** States Google lets us acknowledge: paid for (a pending or ended purchase is not acknowledged). */
const ACKNOWLEDGEABLE: ReadonlySet<PurchaseState> = new Set(["active", "grace_period"]);

/**
 * Acknowledges a recorded purchase Google says is not acknowledged yet (unacknowledged purchases
 * are refunded after three days), then clears the ledger's flag. Throws PlayApiError on failure.
 */
export async function acknowledgeIfNeeded(
  ctx: Pick<LedgerContext, "d1">,
  api: PlayApi,
  { event, kind }: PlayLookup,
): Promise<boolean> {
  if (!event.needsAcknowledgement || !ACKNOWLEDGEABLE.has(event.state)) return false;
  if (kind === "subscription") await api.acknowledgeSubscription(event.productId, event.purchaseId);
  else await api.acknowledgeProduct(event.productId, event.purchaseId);
  await clearNeedsAcknowledgement(ctx.d1, "play", event.purchaseId);
  return true;
}
