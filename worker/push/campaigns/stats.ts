import type { Db } from "../../db/client";
import { countDeliveries, type StateCount } from "./queries/stats";
import type { CampaignStats } from "./schema";

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
    withheld: {},
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
      case "withheld": {
        const reason = r.reason ?? "unknown";
        stats.withheld[reason] = (stats.withheld[reason] ?? 0) + r.n;
        break;
      }
      default:
        stats.pending += r.n;
    }
  }
  return stats;
}

/** A campaign's delivery stats, straight from its ledger. */
export async function campaignStats(db: Db, campaignId: string): Promise<CampaignStats> {
  const { counts, opened } = await countDeliveries(db, campaignId);
  return foldStats(counts, opened);
}
