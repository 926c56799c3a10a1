import { and, asc, eq, sql } from "drizzle-orm";
import { getDb, type D1Like } from "../../db/client";
import { spaceMembers, spaces } from "../../db/schema";
import { users } from "../../db/schema/auth";
import { personalSpaceId, type SpaceRole } from "../spaces";

/** Creates the user's personal space (owner = the user) if it does not exist yet. Idempotent. */
export async function ensurePersonalSpace(d1: D1Like, userId: string, now = Date.now()): Promise<string> {
  const id = personalSpaceId(userId);
  const db = getDb(d1);
  await db.batch([
    db
      .insert(spaces)
      .values({ id, name: "Personal", kind: "personal", ownerId: userId, createdAt: now, updatedAt: now })
      .onConflictDoNothing(),
    db
      .insert(spaceMembers)
      .values({ spaceId: id, userId, role: "owner", createdAt: now })
      .onConflictDoNothing(),
  ]);
  return id;
}

export async function createSharedSpace(
  d1: D1Like,
  ownerId: string,
  name: string,
  now = Date.now(),
): Promise<{ id: string; name: string; createdAt: number }> {
  const id = crypto.randomUUID();
  const db = getDb(d1);
  await db.batch([
    db.insert(spaces).values({ id, name, kind: "shared", ownerId, createdAt: now, updatedAt: now }),
    db.insert(spaceMembers).values({ spaceId: id, userId: ownerId, role: "owner", createdAt: now }),
  ]);
  return { id, name, createdAt: now };
}

interface SpaceSummary {
  id: string;
  name: string;
  kind: "personal" | "shared";
  role: SpaceRole;
  version: number;
  createdAt: number;
}

/** The spaces a user is a member of, personal first, then by creation. */
export async function listSpacesOf(d1: D1Like, userId: string): Promise<SpaceSummary[]> {
  const db = getDb(d1);
  return db
    .select({
      id: spaces.id,
      name: spaces.name,
      kind: spaces.kind,
      role: spaceMembers.role,
      version: spaces.version,
      createdAt: spaces.createdAt,
    })
    .from(spaceMembers)
    .innerJoin(spaces, eq(spaces.id, spaceMembers.spaceId))
    .where(eq(spaceMembers.userId, userId))
    .orderBy(sql`${spaces.kind} = 'shared'`, asc(spaces.createdAt), asc(spaces.id));
}

/** Every member of a space with their role (the Durable Object's cache is rebuilt from this). */
export async function loadMembers(d1: D1Like, spaceId: string): Promise<Map<string, SpaceRole>> {
  const db = getDb(d1);
  const rows = await db
    .select({ userId: spaceMembers.userId, role: spaceMembers.role })
    .from(spaceMembers)
    .where(eq(spaceMembers.spaceId, spaceId));
  return new Map(rows.map((r) => [r.userId, r.role]));
}

export async function listMembers(
  d1: D1Like,
  spaceId: string,
): Promise<{ userId: string; role: SpaceRole; createdAt: number }[]> {
  const db = getDb(d1);
  return db
    .select({ userId: spaceMembers.userId, role: spaceMembers.role, createdAt: spaceMembers.createdAt })
    .from(spaceMembers)
    .where(eq(spaceMembers.spaceId, spaceId))
    .orderBy(asc(spaceMembers.createdAt), asc(spaceMembers.userId));
}

export async function userExists(d1: D1Like, userId: string): Promise<boolean> {
  const db = getDb(d1);
  const row = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
  return row !== undefined;
}

/** Adds a member or changes their role (never the owner's: callers check). */
export async function upsertMember(
  d1: D1Like,
  spaceId: string,
  userId: string,
  role: Exclude<SpaceRole, "owner">,
  now = Date.now(),
): Promise<void> {
  const db = getDb(d1);
  await db
    .insert(spaceMembers)
    .values({ spaceId, userId, role, createdAt: now })
    .onConflictDoUpdate({
      target: [spaceMembers.spaceId, spaceMembers.userId],
      set: { role },
      setWhere: sql`${spaceMembers.role} <> 'owner'`,
    });
}

export async function removeMember(d1: D1Like, spaceId: string, userId: string): Promise<void> {
  const db = getDb(d1);
  await db
    .delete(spaceMembers)
    .where(
      and(
        eq(spaceMembers.spaceId, spaceId),
        eq(spaceMembers.userId, userId),
        sql`${spaceMembers.role} <> 'owner'`,
      ),
    );
}
