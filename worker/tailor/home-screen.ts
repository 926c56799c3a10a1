/**
 * The home screen's reads — the user, their spaces with record counts, the most recently changed
 * records across those spaces, the unread inbox count — in one D1 `batch()` round trip, and the
 * assembly of the tailored body.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { personalSpaceId } from "../db/queries/sync-spaces";
import { records, spaceMembers, spaces, users } from "../db/schema";
import { unreadCountQuery } from "../push/inbox/queries";
import { COLLECTIONS, getCollection } from "../sync/collections";
import { type ImageContext, projectValue } from "./project";

export interface HomeReads {
  user: { id: string; email: string | null; anonymous: boolean } | undefined;
  spaces: { id: string; name: string; role: "owner" | "editor" | "viewer"; recordCount: number }[];
  recent: { space: string; collection: string; key: string; version: number; value: string | null }[];
  unreadCount: number;
}

const COLLECTION_NAMES = COLLECTIONS.map((c) => c.name);

export async function readHome(d1: D1Database, userId: string, limit: number): Promise<HomeReads> {
  const db = getDb(d1);
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

export interface HomeConfig {
  minVersion: string | null;
  flags: Record<string, unknown>;
}

/** The contract's home body, with every record projected for this app version and device. */
export function assembleHome(
  reads: HomeReads & { user: NonNullable<HomeReads["user"]> },
  config: HomeConfig,
  appVersion: string | undefined,
  images: ImageContext,
): Record<string, unknown> {
  const ownSpace = personalSpaceId(reads.user.id);
  // Every user has a personal space; it is created lazily on first sync, so show it before that.
  const spaceList = reads.spaces.some((s) => s.id === ownSpace)
    ? reads.spaces
    : [{ id: ownSpace, name: "Personal", role: "owner" as const, recordCount: 0 }, ...reads.spaces];
  const recent = [];
  for (const row of reads.recent) {
    const collection = getCollection(row.collection);
    if (!collection || row.value === null) continue;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    // Declared fields never use the identity names, so nothing here can shadow them.
    recent.push({
      space: row.space,
      collection: row.collection,
      key: row.key,
      version: row.version,
      ...projectValue(collection, value as Record<string, unknown>, appVersion, images),
    });
  }
  return {
    user: { id: reads.user.id, email: reads.user.email, anonymous: reads.user.anonymous },
    spaces: spaceList.map((s) => ({
      id: s.id,
      name: s.name,
      role: s.role,
      recordCount: Number(s.recordCount),
    })),
    recent,
    unreadCount: reads.unreadCount,
    config: { minVersion: config.minVersion, flags: config.flags },
  };
}

/** What `?fields=` may name on the home screen. */
export const HOME_FIELD_SHAPE = {
  user: { keys: ["id", "email", "anonymous"] },
  spaces: { keys: ["id", "name", "role", "recordCount"], identity: ["id"] },
  recent: {
    keys: [
      "space",
      "collection",
      "key",
      "version",
      ...new Set(COLLECTIONS.flatMap((c) => Object.keys(c.fields))),
    ],
    identity: ["space", "collection", "key", "version"],
  },
  unreadCount: true,
  config: { keys: ["minVersion", "flags"] },
} as const;
