import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { records, spaceMembers } from "../../db/schema";

/**
 * Un-awaited reads for callers that batch them (GraphQL puts every space's page and members in
 * one D1 `batch()`): each returns a drizzle query, run by whoever awaits or batches it.
 */

/**
 * One page of a space's live records in version order, after `after` (a version), optionally of
 * one collection. Asks for `limit + 1` rows: the extra one's presence means another page follows.
 * Served by the `(space_id, version)` index.
 */
export function recordPageQuery(
  db: Db,
  spaceId: string,
  page: { after: number; limit: number; collection?: string },
) {
  return db
    .select({
      collection: records.collection,
      key: records.key,
      version: records.version,
      value: records.value,
    })
    .from(records)
    .where(
      and(
        eq(records.spaceId, spaceId),
        gt(records.version, page.after),
        eq(records.deleted, false),
        page.collection === undefined ? undefined : eq(records.collection, page.collection),
      ),
    )
    .orderBy(asc(records.version))
    .limit(page.limit + 1);
}

/** The members of several spaces (`spaceIds` within D1's 100 bound parameters), oldest first. */
export function membersOfSpacesQuery(db: Db, spaceIds: readonly string[]) {
  return db
    .select({
      spaceId: spaceMembers.spaceId,
      userId: spaceMembers.userId,
      role: spaceMembers.role,
      createdAt: spaceMembers.createdAt,
    })
    .from(spaceMembers)
    .where(inArray(spaceMembers.spaceId, [...spaceIds]))
    .orderBy(asc(spaceMembers.createdAt), asc(spaceMembers.userId));
}
