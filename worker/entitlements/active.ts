import type { Context } from "hono";
import type { AppEnv } from "../env";
import { productCatalog } from "./catalog";
import { ledgerContext } from "./context";
import { type Entitlement, type PurchaseRecord, activeEntitlementIds, deriveEntitlements } from "./derive";
import { listEntitlements } from "./ledger";

/** The loader config resolution calls when a flag rule names entitlements: the user's active ids. */
export function activeEntitlementsLoader<E extends AppEnv>(c: Context<E>, userId: string | undefined) {
  if (userId === undefined) return undefined;
  return async () => activeEntitlementIds(await listEntitlements(ledgerContext(c), userId));
}

/** Entitlements from purchases the caller already read (the home screen's batch). */
export function entitlementsFromPurchases(
  env: Env,
  purchases: readonly PurchaseRecord[],
  now = Date.now(),
): Entitlement[] {
  return deriveEntitlements(purchases, productCatalog(env.ENTITLEMENTS), now);
}
