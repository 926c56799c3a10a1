/**
 * The push delivery ledger: one row per (campaign, device), kept for the campaign's stats (read
 * from the ledger) and for opens. Rows go `retention` after their campaign ended (`sent` or
 * `cancelled`), and only in a settled state (sent, failed, pruned, cancelled, withheld): a pending or
 * leased row is a send in progress and is never touched. Until then a campaign's stats stay
 * whole; after it, its stats read empty (the campaign row and the inbox entries stay).
 */

/** Settled ledger states: no sender will touch these rows again. */
const SETTLED = "('sent', 'failed', 'pruned', 'cancelled', 'withheld')";

/** Deletes up to `limit` settled rows of campaigns that ended before `cutoff`. */
export async function purgeSettledDeliveries(d1: D1Database, cutoff: number, limit: number): Promise<number> {
  const result = await d1
    .prepare(
      `DELETE FROM push_deliveries WHERE rowid IN (
         SELECT d.rowid FROM push_campaigns c JOIN push_deliveries d ON d.campaign_id = c.id
         WHERE c.status IN ('sent', 'cancelled') AND COALESCE(c.completed_at, c.cancelled_at) < ?1
           AND d.state IN ${SETTLED}
         LIMIT ?2)`,
    )
    .bind(cutoff, limit)
    .run();
  return result.meta.changes;
}
