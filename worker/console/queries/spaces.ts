import { desc, eq, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { records, spaceMembers, spaces, users } from "../../db/schema";

export type SpaceRow = typeof spaces.$inferSelect;

/** Spaces by exact id, or whose name contains `query`. */
export async function findSpaces(db: Db, query: string): Promise<SpaceRow[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return db
    .select()
    .from(spaces)
    .where(or(eq(spaces.id, query), sql`${spaces.name} LIKE ${pattern} ESCAPE '\\'`))
    .orderBy(desc(spaces.updatedAt))
    .limit(20);
}

export async function getSpace(db: Db, id: string): Promise<SpaceRow | undefined> {
  const rows = await db.select().from(spaces).where(eq(spaces.id, id));
  return rows[0];
}

export async function spaceMemberList(db: Db, spaceId: string) {
  return db
    .select({
      userId: spaceMembers.userId,
      role: spaceMembers.role,
      email: users.email,
      since: spaceMembers.createdAt,
    })
    .from(spaceMembers)
    .leftJoin(users, eq(users.id, spaceMembers.userId))
    .where(eq(spaceMembers.spaceId, spaceId));
}

/** Live records and tombstones per collection. */
export async function recordCounts(db: Db, spaceId: string) {
  return db
    .select({
      collection: records.collection,
      live: sql<number>`sum(CASE WHEN ${records.deleted} THEN 0 ELSE 1 END)`,
      deleted: sql<number>`sum(CASE WHEN ${records.deleted} THEN 1 ELSE 0 END)`,
    })
    .from(records)
    .where(eq(records.spaceId, spaceId))
    .groupBy(records.collection)
    .orderBy(records.collection);
}

/** The latest changes: records in descending version (each record once, at its latest state). */
export async function recentChanges(db: Db, spaceId: string, limit = 20) {
  return db
    .select({
      collection: records.collection,
      key: records.key,
      version: records.version,
      deleted: records.deleted,
      updatedAt: records.updatedAt,
    })
    .from(records)
    .where(eq(records.spaceId, spaceId))
    .orderBy(desc(records.version))
    .limit(limit);
}
