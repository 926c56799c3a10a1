import { type ApplyResult, type LedgerContext, applyStoreEvent } from "./ledger";
import { recordNotice, settleNotice } from "./notices";
import type { StoreEvent } from "./store-event";

/**
 * The app's own report of a purchase (`POST /v1/purchases/*`), applied for the caller and then
 * kept beside the store's notifications (type `APP_REPORT`), so a purchase's support trail shows
 * both. Only a report that was applied is kept: a `409 purchase_owned_elsewhere` changes nothing.
 */
export async function applyAppReport(
  ctx: LedgerContext,
  event: StoreEvent,
  userId: string,
): Promise<ApplyResult> {
  const result = await applyStoreEvent(ctx, event, { reporter: { userId } });
  const notice = {
    store: event.store,
    notificationId: `app-report:${event.transactionId}:${event.signedAt}`,
    type: "APP_REPORT",
    subtype: null,
    signedAt: event.signedAt,
    raw: JSON.stringify(event),
  };
  await recordNotice(ctx, notice);
  await settleNotice(ctx, notice, {
    outcome: result.outcome,
    purchaseId: result.purchaseId,
    userId: result.userId,
  });
  return result;
}
