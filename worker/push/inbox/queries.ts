import { and, count, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { pushCampaigns, pushInbox } from "../../db/schema";

/** The in-app inbox (`/v1/notifications`): filled as campaigns go out, read by its owner. */

interface InboxItem {
  id: string;
  campaignId: string;
  title: string;
  body: string;
  data: Record<string, string>;
  createdAt: number;
  readAt: number | null;
}

interface InboxPage {
  items: InboxItem[];
  /** The `seq` of the last item when more may follow, else null. */
  cursor: number | null;
}

/**
 * The unread count as an un-awaited drizzle query, so the home screen can put it in the same
 * D1 `batch()` as its other reads. Resolves to `[{ n }]`.
 */
export function unreadCountQuery(db: Db, userId: string) {
  return db
    .select({ n: count() })
    .from(pushInbox)
    .where(and(eq(pushInbox.userId, userId), isNull(pushInbox.readAt)));
}

/** How many inbox entries the user has not read yet. */
export async function countUnread(db: Db, userId: string): Promise<number> {
  const rows = await unreadCountQuery(db, userId);
  return rows[0]?.n ?? 0;
}

/** Newest first; `cursor` is the `seq` of the last item of the previous page (exclusive). */
export async function listInbox(
  db: Db,
  userId: string,
  limit: number,
  cursor: number | null,
): Promise<InboxPage> {
  const rows = await db
    .select({
      seq: pushInbox.seq,
      id: pushInbox.id,
      campaignId: pushInbox.campaignId,
      title: pushCampaigns.title,
      body: pushCampaigns.body,
      data: pushCampaigns.data,
      createdAt: pushInbox.createdAt,
      readAt: pushInbox.readAt,
    })
    .from(pushInbox)
    .innerJoin(pushCampaigns, eq(pushCampaigns.id, pushInbox.campaignId))
    .where(and(eq(pushInbox.userId, userId), cursor === null ? undefined : lt(pushInbox.seq, cursor)))
    .orderBy(desc(pushInbox.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      campaignId: r.campaignId,
      title: r.title ?? "",
      body: r.body ?? "",
      data: r.data,
      createdAt: r.createdAt,
      readAt: r.readAt,
    })),
    cursor: rows.length > limit && last ? last.seq : null,
  };
}

/**
 * Marks an entry read (idempotent: the first read time stays). False when the entry does not
 * exist or belongs to someone else — the caller answers 404 for both.
 */
export async function markInboxRead(db: Db, userId: string, id: string, now: number): Promise<boolean> {
  const rows = await db
    .update(pushInbox)
    .set({ readAt: sql`coalesce(${pushInbox.readAt}, ${now})` })
    .where(and(eq(pushInbox.id, id), eq(pushInbox.userId, userId)))
    .returning({ id: pushInbox.id });
  return rows.length > 0;
}

/**
 * Adds the campaign to the inbox of every user owning one of `deviceIds` in its ledger.
 * Called when a (non-silent) campaign is dispatched to those devices; repeats are ignored.
 */
export async function addToInbox(
  db: Db,
  campaignId: string,
  deviceIds: readonly string[],
  now: number,
): Promise<void> {
  const deviceIdsJson = JSON.stringify(deviceIds);
  await db.run(sql`
    INSERT OR IGNORE INTO push_inbox (id, user_id, campaign_id, created_at)
    SELECT lower(hex(randomblob(16))), d.user_id, d.campaign_id, ${now}
    FROM (SELECT DISTINCT user_id, campaign_id FROM push_deliveries
          WHERE campaign_id = ${campaignId}
            AND device_id IN (SELECT value FROM json_each(${deviceIdsJson}))) AS d
  `);
}
