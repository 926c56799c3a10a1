import type { D1Like } from "../../db/client";
import type { RefreshTokenState } from "../refresh";

interface RefreshAttempt {
  /** Set when a new token was minted (a rotation or a grace retry). */
  minted: { sessionId: string; userId: string; anonymous: boolean } | null;
  /** The presented token's state, for classifying a refusal (null: unknown token). */
  state: (RefreshTokenState & { sessionId: string }) | null;
}

interface StateRow {
  session_id: string;
  generation: number;
  used_at: number | null;
  refresh_generation: number;
  revoked_at: number | null;
  expires_at: number;
  user_id: string;
  anonymous: number;
  minted: number;
}

/**
 * Spends `hash` and mints `newHash` in its place, atomically, in one D1 round trip.
 *
 * Why a single D1 batch rather than a Durable Object per session family: a batch is one SQL
 * transaction and D1 runs transactions one at a time, so "spend if unspent, then mint" cannot
 * interleave with another request's; the spend is a conditional UPDATE (`used_at IS NULL` and
 * the session still at the token's generation), so of two requests racing with one token
 * exactly one rotates. The other finds the token spent a moment ago and takes the grace-retry
 * branch (a sibling of the same generation), never a second chain. A Durable Object would give
 * the same serialisation at the cost of an extra hop and of splitting session state between DO
 * storage and D1, where `GET /v1/sessions` and revocation read it.
 *
 * The statements, in order (each a no-op unless its condition holds):
 *  1. spend: mark the token used if it is live (unused, its session live and at its generation);
 *  2. advance the session's generation if (and only if) step 1 spent it for this request;
 *  3. mint: insert `newHash` one generation above the presented token, if that token is now the
 *     session's immediately previous one and was spent within the grace window — true right
 *     after step 1 (a rotation) and on a retry alike;
 *  4. slide the session's expiry and `last_seen_at` if step 3 minted;
 *  5. read back the presented token's state and whether `newHash` exists.
 */
export async function attemptRefresh(
  db: D1Like,
  hash: string,
  newHash: string,
  now: number,
  graceMs: number,
  ttlMs: number,
): Promise<RefreshAttempt> {
  const results = await db.batch<StateRow>([
    db
      .prepare(
        `UPDATE refresh_tokens SET used_at = ?1, rotated_to = ?2
         WHERE hash = ?3 AND used_at IS NULL
           AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = refresh_tokens.session_id
                       AND s.revoked_at IS NULL AND s.expires_at > ?1
                       AND s.refresh_generation = refresh_tokens.generation)`,
      )
      .bind(now, newHash, hash),
    db
      .prepare(
        `UPDATE sessions SET refresh_generation = refresh_generation + 1
         WHERE id = (SELECT session_id FROM refresh_tokens WHERE hash = ?1 AND rotated_to = ?2)
           AND refresh_generation = (SELECT generation FROM refresh_tokens WHERE hash = ?1)`,
      )
      .bind(hash, newHash),
    db
      .prepare(
        `INSERT INTO refresh_tokens (hash, session_id, generation, created_at)
         SELECT ?1, t.session_id, t.generation + 1, ?2
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
         WHERE t.hash = ?3 AND t.used_at IS NOT NULL AND t.used_at >= ?2 - ?4
           AND s.revoked_at IS NULL AND s.expires_at > ?2
           AND s.refresh_generation = t.generation + 1`,
      )
      .bind(newHash, now, hash, graceMs),
    db
      .prepare(
        `UPDATE sessions SET last_seen_at = ?1, expires_at = ?2
         WHERE id = (SELECT session_id FROM refresh_tokens WHERE hash = ?3)`,
      )
      .bind(now, now + ttlMs, newHash),
    db
      .prepare(
        `SELECT t.session_id, t.generation, t.used_at,
                s.refresh_generation, s.revoked_at, s.expires_at, s.user_id, u.anonymous,
                EXISTS (SELECT 1 FROM refresh_tokens WHERE hash = ?2) AS minted
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
         WHERE t.hash = ?1`,
      )
      .bind(hash, newHash),
  ]);
  const row = results[4]?.results[0];
  if (!row) return { minted: null, state: null };
  return {
    minted:
      row.minted === 1
        ? {
            sessionId: row.session_id,
            userId: row.user_id,
            anonymous: row.anonymous === 1,
          }
        : null,
    state: {
      sessionId: row.session_id,
      generation: row.generation,
      usedAt: row.used_at,
      sessionGeneration: row.refresh_generation,
      sessionRevokedAt: row.revoked_at,
      sessionExpiresAt: row.expires_at,
    },
  };
}
