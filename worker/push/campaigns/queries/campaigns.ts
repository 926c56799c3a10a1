import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { pushCampaigns } from "../../../db/schema";

/** A stored campaign (a `push_campaigns` row). */
export type Campaign = typeof pushCampaigns.$inferSelect;
type NewCampaign = typeof pushCampaigns.$inferInsert;

/** Inserts the campaign; undefined when its idempotency key is already taken. */
export async function insertCampaign(db: Db, values: NewCampaign): Promise<Campaign | undefined> {
  const rows = await db.insert(pushCampaigns).values(values).onConflictDoNothing().returning();
  return rows[0];
}

export async function findCampaign(db: Db, id: string): Promise<Campaign | undefined> {
  const rows = await db.select().from(pushCampaigns).where(eq(pushCampaigns.id, id));
  return rows[0];
}

export async function findCampaignByIdempotencyKey(db: Db, key: string): Promise<Campaign | undefined> {
  const rows = await db.select().from(pushCampaigns).where(eq(pushCampaigns.idempotencyKey, key));
  return rows[0];
}

/** The campaigns among `ids` (as one JSON parameter, so any number fits one statement). */
export async function findCampaigns(db: Db, ids: readonly string[]): Promise<Map<string, Campaign>> {
  const rows = await db
    .select()
    .from(pushCampaigns)
    .where(sql`${pushCampaigns.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Map(rows.map((c) => [c.id, c]));
}

/** `scheduled`/`sending` → `cancelled`; false when the campaign is in neither state (or absent). */
export async function markCancelled(db: Db, id: string, now: number): Promise<boolean> {
  const rows = await db
    .update(pushCampaigns)
    .set({ status: "cancelled", cancelledAt: now })
    .where(and(eq(pushCampaigns.id, id), inArray(pushCampaigns.status, ["scheduled", "sending"])))
    .returning({ id: pushCampaigns.id });
  return rows.length > 0;
}

/** Marks the campaign `sending` (from `scheduled`) as its first bucket goes out. */
export async function markSending(db: Db, campaignId: string): Promise<void> {
  await db
    .update(pushCampaigns)
    .set({ status: "sending" })
    .where(and(eq(pushCampaigns.id, campaignId), eq(pushCampaigns.status, "scheduled")));
}

/** Every bucket is with the queue: from now on the campaign completes when its ledger drains. */
export async function markDispatched(db: Db, campaignId: string, now: number): Promise<void> {
  await db
    .update(pushCampaigns)
    .set({ dispatchedAt: now })
    .where(and(eq(pushCampaigns.id, campaignId), isNull(pushCampaigns.dispatchedAt)));
}
