import { invalidBody } from "../../errors";
import { applyAppReport } from "../app-report";
import type { Entitlement } from "../derive";
import type { LedgerContext } from "../ledger";
import { createPlayApi, logPlayFailure, PlayApiError, playPackageName, playUnavailable } from "./api-client";
import { acknowledgeIfNeeded, lookUpReport } from "./purchases";
import { UnmappablePurchase } from "./to-store-event";

/**
 * The app's report of a purchase: looked up with Google, linked to the caller (409
 * purchase_owned_elsewhere from the ledger when it belongs to someone else), then acknowledged.
 * A failed acknowledgement does not fail the report: the purchase is recorded and flagged, and
 * the next notification for it acknowledges it (Google allows three days).
 */
export async function reportPlayPurchase(
  ctx: LedgerContext,
  userId: string,
  productId: string,
  purchaseToken: string,
): Promise<Entitlement[]> {
  const api = createPlayApi(ctx.env, playPackageName(ctx.env));
  let lookup;
  try {
    lookup = await lookUpReport(api, productId, purchaseToken, ctx.now ?? Date.now());
  } catch (error) {
    if (error instanceof PlayApiError) throw playUnavailable(error);
    if (error instanceof UnmappablePurchase)
      throw invalidBody("Google Play reports a state this server does not know");
    throw error;
  }
  if (!lookup) {
    throw invalidBody("The purchase could not be verified", [
      { path: "purchaseToken", message: `not a Google Play purchase of ${productId} for this app` },
    ]);
  }
  const result = await applyAppReport(ctx, lookup.event, userId);
  try {
    await acknowledgeIfNeeded(ctx, api, lookup);
  } catch (error) {
    if (!(error instanceof PlayApiError)) throw error;
    logPlayFailure(error);
  }
  return result.entitlements;
}
