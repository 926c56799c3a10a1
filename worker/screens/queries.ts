/**
 * The home screen's reads — the user, their spaces with record counts, the most recently changed
 * records across those spaces, the unread inbox count — in one D1 `batch()` round trip.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { records, spaceMembers, spaces, users } from "../db/schema";
import { unreadCountQuery } from "../push/inbox/queries";
import { COLLECTIONS } from "../sync/collections";

export interface HomeReads {
  user: { id: string; email: string | null; anonymous: boolean } | undefined;
  spaces: { id: string; name: string; role: "owner" | "editor" | "viewer"; recordCount: number }[];
  recent: { space: string; collection: string; key: string; version: number; value: string | null }[];
  unreadCount: number;
}

const COLLECTION_NAMES = COLLECTIONS.map((c) => c.name);

export async function readHome(db: Db, userId: string, limit: number): Promise<HomeReads> {
  const [userRows, spaceRows, recentRows, unreadRows] = await db.batch([
    db
      .select({ id: users.id, email: users.email, anonymous: users.anonymous })
      .from(users)
      .where(eq(users.id, userId)),
    db
      .select({
        id: spaces.id,
        name: spaces.name,
        role: spaceMembers.role,
        // Counted through the (space_id, deleted, updated_at) index, tombstones excluded.
        recordCount: sql<number>`(SELECT count(*) FROM ${records} WHERE ${records.spaceId} = ${spaces.id} AND ${records.deleted} = 0)`,
      })
      .from(spaceMembers)
      .innerJoin(spaces, eq(spaces.id, spaceMembers.spaceId))
      .where(eq(spaceMembers.userId, userId))
      .orderBy(sql`${spaces.kind} = 'shared'`, asc(spaces.createdAt), asc(spaces.id)),
    db
      .select({
        space: records.spaceId,
        collection: records.collection,
        key: records.key,
        version: records.version,
        value: records.value,
      })
      .from(records)
      .innerJoin(
        spaceMembers,
        and(eq(spaceMembers.spaceId, records.spaceId), eq(spaceMembers.userId, userId)),
      )
      // Only collections the app can render count towards the page.
      .where(and(eq(records.deleted, false), inArray(records.collection, COLLECTION_NAMES)))
      .orderBy(desc(records.updatedAt), desc(records.version), asc(records.key))
      .limit(limit),
    unreadCountQuery(db, userId),
  ]);
  return {
    user: userRows[0],
    spaces: spaceRows,
    recent: recentRows,
    unreadCount: unreadRows[0]?.n ?? 0,
  };
}
