import { productCatalog } from "./catalog";
import { type Entitlement, deriveEntitlements } from "./derive";
import type { LedgerContext } from "./ledger";
import { type NoticeRow, listUserNotices } from "./queries/notices";
import { type StoredPurchase, listUserPurchases } from "./queries/purchases";

/** Everything support (and the console's user page) shows about a user's purchases. */
export interface EntitlementRecord {
  entitlements: Entitlement[];
  purchases: Omit<StoredPurchase, "ownerAnonymous">[];
  /** The store notifications and app reports that touched the user's purchases, newest first. */
  notices: NoticeRow[];
}

/** A user's entitlements with the purchases and the notification trail behind them. */
export async function entitlementRecord(
  ctx: Pick<LedgerContext, "env" | "d1" | "now">,
  userId: string,
  noticeLimit = 50,
): Promise<EntitlementRecord> {
  const [purchases, notices] = await Promise.all([
    listUserPurchases(ctx.d1, userId),
    listUserNotices(ctx.d1, userId, noticeLimit),
  ]);
  return {
    entitlements: deriveEntitlements(purchases, productCatalog(ctx.env.ENTITLEMENTS), ctx.now ?? Date.now()),
    purchases: purchases.map(({ ownerAnonymous: _owner, ...p }) => p),
    notices,
  };
}
