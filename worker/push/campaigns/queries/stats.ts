import { and, count, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { pushDeliveries } from "../../../db/schema";

export interface StateCount {
  state: string;
  reason: string | null;
  n: number;
}

/**
 * The ledger's rows of one campaign counted by (state, failure reason), and how many were
 * opened, in one batch (GROUP BY), so stats can never drift from what was sent.
 */
export async function countDeliveries(
  db: Db,
  campaignId: string,
): Promise<{ counts: StateCount[]; opened: number }> {
  const [rows, opened] = await db.batch([
    db
      .select({ state: pushDeliveries.state, reason: pushDeliveries.lastError, n: count() })
      .from(pushDeliveries)
      .where(eq(pushDeliveries.campaignId, campaignId))
      .groupBy(
        pushDeliveries.state,
        sql`CASE WHEN ${pushDeliveries.state} IN ('failed', 'withheld') THEN ${pushDeliveries.lastError} END`,
      ),
    db
      .select({ n: count() })
      .from(pushDeliveries)
      .where(and(eq(pushDeliveries.campaignId, campaignId), isNotNull(pushDeliveries.openedAt))),
  ]);
  // Only a failure's (or a withheld send's) reason is grouped on: other states' last errors are history.
  const counts = rows.map((r) => ({
    ...r,
    reason: r.state === "failed" || r.state === "withheld" ? r.reason : null,
  }));
  return { counts, opened: opened[0]?.n ?? 0 };
}
