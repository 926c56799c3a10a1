import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { purchases } from "../../db/schema";

/**
 * The user's purchases as an un-awaited drizzle query, so the home screen reads them in its one
 * `batch()` (the entitlements derive from them without another round trip).
 */
export function userPurchasesQuery(db: Db, userId: string) {
  return db
    .select({
      store: purchases.store,
      purchaseId: purchases.purchaseId,
      productId: purchases.productId,
      state: purchases.state,
      expiresAt: purchases.expiresAt,
      willRenew: purchases.willRenew,
      familyShared: purchases.familyShared,
      replacedBy: purchases.replacedBy,
      updatedAt: purchases.updatedAt,
    })
    .from(purchases)
    .where(eq(purchases.userId, userId));
}
