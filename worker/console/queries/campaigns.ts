import { desc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { pushCampaigns } from "../../db/schema";

/** The newest campaigns for the console's list. */
export async function recentCampaigns(db: Db, limit = 50) {
  return db
    .select({
      id: pushCampaigns.id,
      title: pushCampaigns.title,
      status: pushCampaigns.status,
      createdAt: pushCampaigns.createdAt,
      sendAt: pushCampaigns.sendAt,
      localTime: pushCampaigns.localTime,
    })
    .from(pushCampaigns)
    .orderBy(desc(pushCampaigns.createdAt))
    .limit(limit);
}
