/**
 * Ended sessions and their refresh tokens.
 *
 * The rule: a session is purged `retention` after it ended — expired (`expires_at`) or revoked
 * (`revoked_at`) — together with its refresh tokens. Nothing depends on the row by then:
 * - a refresh token of an expired or revoked session answers `invalid_refresh_token` whether its
 *   rows exist or not (an unknown token answers the same), and a revoked session's tokens were
 *   already deleted when it was revoked;
 * - access tokens live ≤ 15 minutes and are minted only while the session lives, and a missing
 *   session reads as revoked (`readSessionRevoked`), so deleting never revives one.
 * The retention only keeps `revoked_reason` (`reuse`, `logout`, ...) readable for a while after
 * an incident report.
 *
 * What is never purged: the spent refresh tokens of a live session. They are how reuse is
 * detected, and that matters most late: when a thief's refreshes have kept the session alive,
 * the victim's app presenting its old, spent token — however long after — is what revokes the
 * thief's chain. They go when their session ends.
 */

const ENDED = "(s.expires_at < ?1 OR (s.revoked_at IS NOT NULL AND s.revoked_at < ?1))";

/**
 * Deletes up to `limit` refresh tokens of sessions that ended before `cutoff`, then up to
 * `limit` of those sessions that have no tokens left (so a session never goes before its
 * tokens, and no statement cascades over an unbounded number of rows). One transaction.
 */
export async function purgeEndedSessions(
  d1: D1Database,
  cutoff: number,
  limit: number,
): Promise<{ sessions: number; refreshTokens: number }> {
  const [tokens, sessions] = await d1.batch([
    d1
      .prepare(
        `DELETE FROM refresh_tokens WHERE hash IN (
           SELECT t.hash FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
           WHERE ${ENDED} LIMIT ?2)`,
      )
      .bind(cutoff, limit),
    d1
      .prepare(
        `DELETE FROM sessions WHERE id IN (
           SELECT s.id FROM sessions s
           WHERE ${ENDED} AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id)
           LIMIT ?2)`,
      )
      .bind(cutoff, limit),
  ]);
  return { refreshTokens: tokens?.meta.changes ?? 0, sessions: sessions?.meta.changes ?? 0 };
}
