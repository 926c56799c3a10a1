import { type ApplyResult, type LedgerContext, applyStoreEvent } from "./ledger";
import { insertNotice, settleNoticeRow } from "./queries/notices";
import type { StoreEvent, StoreNotice } from "./store-event";

/**
 * Keeps a verified store notification before anything is applied (every one is kept for support)
 * and says whether it is a replay: `replay` is true when a notification with this id was already
 * applied (its outcome is recorded), so the caller answers 200 and applies nothing again. One that
 * arrived before but failed half-way is not a replay: it is applied again (the ledger's writes
 * are idempotent).
 */
export async function recordNotice(
  ctx: Pick<LedgerContext, "d1" | "now">,
  notice: StoreNotice,
  options: { verified: boolean } = { verified: true },
): Promise<{ replay: boolean }> {
  const { outcome } = await insertNotice(ctx.d1, notice, options.verified, ctx.now ?? Date.now());
  return { replay: outcome !== null };
}

/** Records what applying a notification did (`applied`, `stale`, `unlinked`, `ignored: …`). */
export async function settleNotice(
  ctx: Pick<LedgerContext, "d1" | "now">,
  notice: Pick<StoreNotice, "store" | "notificationId">,
  settled: { outcome: string; purchaseId?: string | null; userId?: string | null },
): Promise<void> {
  await settleNoticeRow(
    ctx.d1,
    notice.store,
    notice.notificationId,
    { outcome: settled.outcome, purchaseId: settled.purchaseId ?? null, userId: settled.userId ?? null },
    ctx.now ?? Date.now(),
  );
}

/**
 * The webhook discipline in one call: record the notification, skip a replay, apply its events
 * (none for a notification without a purchase, e.g. Apple's TEST), settle the outcome. Resolves
 * only once everything is durably written, so the webhook's 200 means "recorded"; a failure
 * throws (500) and the store retries, which is safe.
 */
export async function processStoreNotice(
  ctx: LedgerContext,
  notice: StoreNotice,
  events: readonly StoreEvent[],
): Promise<{ replay: boolean; outcome: string; results: ApplyResult[] }> {
  const { replay } = await recordNotice(ctx, notice);
  if (replay) return { replay: true, outcome: "replay", results: [] };
  const results: ApplyResult[] = [];
  for (const event of events) results.push(await applyStoreEvent(ctx, event));
  const last = results.at(-1);
  const outcome = !last ? "ignored" : last.userId === null ? `${last.outcome}:unlinked` : last.outcome;
  await settleNotice(ctx, notice, { outcome, purchaseId: last?.purchaseId, userId: last?.userId });
  return { replay: false, outcome, results };
}
