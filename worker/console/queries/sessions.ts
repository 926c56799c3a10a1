import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { consoleSessions } from "../../db/schema";

export type ConsoleSession = typeof consoleSessions.$inferSelect;

export async function insertConsoleSession(db: Db, session: ConsoleSession): Promise<void> {
  await db.insert(consoleSessions).values(session);
}

/** The session with this id hash if it is neither revoked nor expired. */
export async function findLiveConsoleSession(
  db: Db,
  idHash: string,
  now: number,
): Promise<ConsoleSession | undefined> {
  const rows = await db
    .select()
    .from(consoleSessions)
    .where(
      and(
        eq(consoleSessions.idHash, idHash),
        isNull(consoleSessions.revokedAt),
        gt(consoleSessions.expiresAt, now),
      ),
    );
  return rows[0];
}

/** Live sessions, newest first (the audit page lists them with a "sign out everywhere" button). */
export async function listLiveConsoleSessions(db: Db, now: number): Promise<ConsoleSession[]> {
  return db
    .select()
    .from(consoleSessions)
    .where(and(isNull(consoleSessions.revokedAt), gt(consoleSessions.expiresAt, now)))
    .orderBy(desc(consoleSessions.createdAt))
    .limit(100);
}

export async function revokeConsoleSession(db: Db, idHash: string, now: number): Promise<void> {
  await db
    .update(consoleSessions)
    .set({ revokedAt: now })
    .where(and(eq(consoleSessions.idHash, idHash), isNull(consoleSessions.revokedAt)));
}

/** Revokes every live console session; returns how many. */
export async function revokeAllConsoleSessions(db: Db, now: number): Promise<number> {
  const rows = await db
    .update(consoleSessions)
    .set({ revokedAt: now })
    .where(isNull(consoleSessions.revokedAt))
    .returning({ idHash: consoleSessions.idHash });
  return rows.length;
}
