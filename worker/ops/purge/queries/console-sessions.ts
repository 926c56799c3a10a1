/**
 * Console sessions end by expiring (8 hours) or by sign-out. An ended session signs nobody in, and
 * the audit log names sessions by a prefix of their id hash in its own text, not by reference, so
 * the row can go once it has been ended for the session retention (the same window as the apps'
 * sessions: long enough for support to see a recent sign-in on the audit page).
 */

/** Deletes up to `limit` console sessions that expired or were revoked before `cutoff`. */
export async function purgeEndedConsoleSessions(
  d1: D1Database,
  cutoff: number,
  limit: number,
): Promise<number> {
  const result = await d1
    .prepare(
      `DELETE FROM console_sessions WHERE id_hash IN (
         SELECT id_hash FROM console_sessions
          WHERE expires_at < ?1 OR (revoked_at IS NOT NULL AND revoked_at < ?1)
          LIMIT ?2)`,
    )
    .bind(cutoff, limit)
    .run();
  return result.meta.changes;
}
