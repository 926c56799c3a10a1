/**
 * The home screen's reads — the user, their spaces with record counts, the most recently changed
 * records across those spaces, the unread inbox count — in one D1 `batch()` round trip.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { records, spaceMembers, spaces, users } from "../db/schema";
import { unreadCountQuery } from "../push/inbox/queries";
import { COLLECTIONS } from "../sync/collections";
import { userPurchasesQuery } from "../entitlements/queries/home";
import type { PurchaseRecord } from "../entitlements/derive";

export interface HomeReads {
  user: { id: string; email: string | null; anonymous: boolean } | undefined;
  spaces: { id: string; name: string; role: "owner" | "editor" | "viewer"; recordCount: number }[];
  recent: { space: string; collection: string; key: string; version: number; value: string | null }[];
  unreadCount: number;
}

const COLLECTION_NAMES = COLLECTIONS.map((c) => c.name);

/**
 * The home screen's four reads as un-awaited drizzle queries, so a caller can put them in one
 * `batch()` with others (GraphQL: `home` beside the operation's other root fields).
 */
export function homeQueries(db: Db, userId: string, limit: number) {
  return [
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
  ] as const;
}

type Rows<I extends 0 | 1 | 2 | 3> = Awaited<ReturnType<typeof homeQueries>[I]>;
type HomeResults = readonly [Rows<0>, Rows<1>, Rows<2>, Rows<3>];

/** The reads' rows as the home body's builder takes them. */
export function homeReadsOf([userRows, spaceRows, recentRows, unreadRows]: HomeResults): HomeReads {
  return {
    user: userRows[0],
    spaces: spaceRows,
    recent: recentRows,
    unreadCount: unreadRows[0]?.n ?? 0,
  };
}

/** The REST home screen's reads, the user's purchases included (for `entitlements`), in one batch. */
export async function readHome(
  db: Db,
  userId: string,
  limit: number,
): Promise<HomeReads & { purchases: PurchaseRecord[] }> {
  const [q0, q1, q2, q3] = homeQueries(db, userId, limit);
  const [r0, r1, r2, r3, purchases] = await db.batch([q0, q1, q2, q3, userPurchasesQuery(db, userId)]);
  return { ...homeReadsOf([r0, r1, r2, r3]), purchases };
}
