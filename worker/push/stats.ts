import { and, count, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { pushDeliveries } from "../db/schema";

export interface CampaignStats {
  targeted: number;
  sent: number;
  failed: Record<string, number>;
  pruned: number;
  opened: number;
  /** Not yet settled (waiting in the queue or being sent). */
  pending: number;
  cancelled: number;
}

export interface StateCount {
  state: string;
  reason: string | null;
  n: number;
}

/** Folds the ledger's (state, reason) counts into the contract's stats. Pure. */
export function foldStats(rows: readonly StateCount[], opened: number): CampaignStats {
  const stats: CampaignStats = {
    targeted: 0,
    sent: 0,
    failed: {},
    pruned: 0,
    opened,
    pending: 0,
    cancelled: 0,
  };
  for (const r of rows) {
    stats.targeted += r.n;
    switch (r.state) {
      case "sent":
        stats.sent += r.n;
        break;
      case "pruned":
        stats.pruned += r.n;
        break;
      case "failed": {
        const reason = r.reason ?? "unknown";
        stats.failed[reason] = (stats.failed[reason] ?? 0) + r.n;
        break;
      }
      case "cancelled":
        stats.cancelled += r.n;
        break;
      default:
        stats.pending += r.n;
    }
  }
  return stats;
}

/** Stats straight from the ledger (GROUP BY), so they can never drift from what was sent. */
export async function campaignStats(db: Db, campaignId: string): Promise<CampaignStats> {
  const [rows, opened] = await db.batch([
    db
      .select({ state: pushDeliveries.state, reason: pushDeliveries.lastError, n: count() })
      .from(pushDeliveries)
      .where(eq(pushDeliveries.campaignId, campaignId))
      .groupBy(
        pushDeliveries.state,
        sql`CASE WHEN ${pushDeliveries.state} = 'failed' THEN ${pushDeliveries.lastError} END`,
      ),
    db
      .select({ n: count() })
      .from(pushDeliveries)
      .where(and(eq(pushDeliveries.campaignId, campaignId), isNotNull(pushDeliveries.openedAt))),
  ]);
  const normalized = rows.map((r) => ({ ...r, reason: r.state === "failed" ? r.reason : null }));
  return foldStats(normalized, opened[0]?.n ?? 0);
}
