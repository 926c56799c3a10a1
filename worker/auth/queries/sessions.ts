/** Sessions (one sign-in on one device) and their refresh tokens. */

import type { D1Like } from "../../db/client";

interface NewSession {
  id: string;
  userId: string;
  deviceId: string | null;
  platform: string | null;
}

export type RevokeReason = "logout" | "revoked" | "reuse";

interface SessionSummary {
  id: string;
  deviceId: string | null;
  platform: string | null;
  createdAt: number;
  lastSeenAt: number;
}

/** A session with its first refresh token (generation 0): two statements for a caller's batch. */
export function insertSessionStatements(
  db: D1Like,
  session: NewSession,
  refreshHash: string,
  now: number,
  expiresAt: number,
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO sessions (id, user_id, device_id, platform, refresh_generation, created_at, last_seen_at, expires_at)
         VALUES (?, ?, ?, ?, 0, ?, ?, ?)`,
      )
      .bind(session.id, session.userId, session.deviceId, session.platform, now, now, expiresAt),
    db
      .prepare("INSERT INTO refresh_tokens (hash, session_id, generation, created_at) VALUES (?, ?, 0, ?)")
      .bind(refreshHash, session.id, now),
    ...(session.deviceId === null ? [] : [relinkDeviceStatement(db, session.userId, session.deviceId, now)]),
  ];
}

/**
 * Signing in on a device the user had signed out on links it again: it gets the user's pushes
 * once more. Only the user's own device row; another user's is never touched by a sign-in.
 */
function relinkDeviceStatement(db: D1Like, userId: string, deviceId: string, now: number) {
  return db
    .prepare(
      `UPDATE devices SET unlinked_at = NULL, updated_at = ?
       WHERE id = ? AND user_id = ? AND unlinked_at IS NOT NULL`,
    )
    .bind(now, deviceId, userId);
}

/**
 * Revokes a live session; with `userId`, only if it belongs to that user (so another user's
 * session id is indistinguishable from an unknown one). The session's refresh token rows go
 * too: a revoked session's tokens answer `invalid_refresh_token` either way. The device the
 * session signed in from is unlinked, if it is the session user's (the contract's ownership
 * rule: no more pushes for that user there until they sign in on it again), in the same batch.
 * Returns whether a live session was revoked.
 */
export async function revokeSession(
  db: D1Like,
  sessionId: string,
  reason: RevokeReason,
  now: number,
  userId?: string,
): Promise<boolean> {
  const [revoked] = await db.batch([
    db
      .prepare(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
         WHERE id = ? AND revoked_at IS NULL AND (? IS NULL OR user_id = ?)`,
      )
      .bind(now, reason, sessionId, userId ?? null, userId ?? null),
    db
      .prepare(
        `DELETE FROM refresh_tokens WHERE session_id = ?
           AND EXISTS (SELECT 1 FROM sessions WHERE id = ? AND revoked_at IS NOT NULL)`,
      )
      .bind(sessionId, sessionId),
    // Only when this batch revoked it (revoked_at = now): a session revoked earlier unlinked then.
    // Only the session user's own row: signing in with someone else's deviceId and signing out
    // again cannot unlink their phone.
    db
      .prepare(
        `UPDATE devices SET unlinked_at = ?1, updated_at = ?1
         WHERE id = (SELECT device_id FROM sessions WHERE id = ?2 AND revoked_at = ?1 AND revoked_reason = ?3)
           AND user_id = (SELECT user_id FROM sessions WHERE id = ?2)
           AND unlinked_at IS NULL`,
      )
      .bind(now, sessionId, reason),
  ]);
  return (revoked?.meta.changes ?? 0) > 0;
}

/** Whether the session is revoked (or does not exist). One indexed read; see session-cache.ts. */
export async function readSessionRevoked(db: D1Like, sessionId: string): Promise<boolean> {
  const row = await db
    .prepare("SELECT revoked_at FROM sessions WHERE id = ?")
    .bind(sessionId)
    .first<{ revoked_at: number | null }>();
  return !row || row.revoked_at !== null;
}

/** The user's live sessions (not revoked, not expired), most recently seen first. */
export async function listSessions(db: D1Like, userId: string, now: number): Promise<SessionSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT id, device_id, platform, created_at, last_seen_at FROM sessions
       WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
       ORDER BY last_seen_at DESC, created_at DESC`,
    )
    .bind(userId, now)
    .all<{
      id: string;
      device_id: string | null;
      platform: string | null;
      created_at: number;
      last_seen_at: number;
    }>();
  return results.map((r) => ({
    id: r.id,
    deviceId: r.device_id,
    platform: r.platform,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
  }));
}
