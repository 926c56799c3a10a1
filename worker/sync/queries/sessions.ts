/**
 * The sessions behind a space's open sockets (contract v1.1: a session's sockets close within
 * 30 seconds of logout, revocation or expiry). One read for all of them, however many.
 */

import type { D1Like } from "../../db/client";
export async function liveSessionIds(
  d1: D1Like,
  sessionIds: readonly string[],
  now: number,
): Promise<Set<string>> {
  if (!sessionIds.length) return new Set();
  const { results } = await d1
    .prepare(
      "SELECT id FROM sessions WHERE id IN (SELECT value FROM json_each(?)) AND revoked_at IS NULL AND expires_at > ?",
    )
    .bind(JSON.stringify([...new Set(sessionIds)]), now)
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}
