import { and, desc, eq, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { devices, identities, pushCampaigns, pushDeliveries, sessions, users } from "../../db/schema";

/** What the console's user page reads; support answers "why didn't this phone get it?" from it. */

export type UserRow = typeof users.$inferSelect;

/** Users whose id is `query` or whose email (users or identities) is it, case-insensitively. */
export async function findUsers(db: Db, query: string): Promise<UserRow[]> {
  const email = query.toLowerCase();
  return db
    .select()
    .from(users)
    .where(
      or(
        eq(users.id, query),
        sql`lower(${users.email}) = ${email}`,
        sql`${users.id} IN (SELECT ${identities.userId} FROM ${identities} WHERE lower(${identities.email}) = ${email})`,
      ),
    )
    .limit(20);
}

export async function getUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const rows = await db.select().from(users).where(eq(users.id, id));
  return rows[0];
}

export async function userIdentities(db: Db, userId: string) {
  return db
    .select({
      issuer: identities.issuer,
      subject: identities.subject,
      provider: identities.provider,
      email: identities.email,
      lastSignInAt: identities.lastSignInAt,
    })
    .from(identities)
    .where(eq(identities.userId, userId));
}

/** Every session, live or not, newest first (support needs to see revoked ones too). */
export async function userSessions(db: Db, userId: string) {
  return db
    .select()
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.lastSeenAt))
    .limit(50);
}

export async function userDevices(db: Db, userId: string) {
  return db
    .select()
    .from(devices)
    .where(eq(devices.userId, userId))
    .orderBy(desc(devices.updatedAt))
    .limit(50);
}

export interface DevicePush {
  campaignId: string;
  title: string | null;
  state: string;
  reason: string | null;
  attempts: number;
  createdAt: number;
  sentAt: number | null;
  openedAt: number | null;
}

/** The ledger rows of one device, newest first: what was planned for it and what came of it. */
export async function devicePushes(db: Db, deviceId: string, limit = 20): Promise<DevicePush[]> {
  return db
    .select({
      campaignId: pushDeliveries.campaignId,
      title: pushCampaigns.title,
      state: pushDeliveries.state,
      reason: pushDeliveries.lastError,
      attempts: pushDeliveries.attempts,
      createdAt: pushDeliveries.createdAt,
      sentAt: pushDeliveries.sentAt,
      openedAt: pushDeliveries.openedAt,
    })
    .from(pushDeliveries)
    .innerJoin(pushCampaigns, eq(pushCampaigns.id, pushDeliveries.campaignId))
    .where(and(eq(pushDeliveries.deviceId, deviceId)))
    .orderBy(desc(pushDeliveries.createdAt))
    .limit(limit);
}
