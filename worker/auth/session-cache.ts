/**
 * Is this access token's session revoked? Answered from a small per-isolate cache so that
 * authenticated requests do not pay a D1 round trip each.
 *
 * Staleness: a "live" answer is trusted for `LIVE_TTL_MS` (30 s). The isolate that revokes a
 * session marks it revoked here at once, so on that isolate the session's access tokens stop
 * working immediately; other isolates (other colos, other instances) see the revocation within
 * 30 s, when their entry expires and is read again from D1. Access tokens live ≤ 15 minutes
 * anyway; this bound is what "revoked sessions' access tokens stop working" means across the
 * fleet. Revocation is permanent, so "revoked" answers never expire.
 *
 * Bounded: at most `MAX_ENTRIES` sessions, least recently used evicted first (a Map keeps
 * insertion order; a hit re-inserts its key at the end).
 */

import type { D1Like } from "../db/client";
import { readSessionRevoked } from "./queries/sessions";

export const LIVE_TTL_MS = 30_000;
export const MAX_ENTRIES = 10_000;

interface Entry {
  revoked: boolean;
  checkedAt: number;
}

const entries = new Map<string, Entry>();
// Deliberately no shared in-flight read: in workerd a request that awaits another request's
// pending D1 call has its own later I/O refused ("Cannot perform I/O on behalf of a different
// request"). Concurrent misses each read D1 once; the cache absorbs everything after.

function put(sessionId: string, entry: Entry): void {
  entries.delete(sessionId);
  entries.set(sessionId, entry);
  if (entries.size > MAX_ENTRIES) {
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
}

/** The cached answer if it is still trustworthy at `now` (revoked: always; live: for 30 s). */
export function cachedRevocation(sessionId: string, now: number): boolean | undefined {
  const entry = entries.get(sessionId);
  if (!entry) return undefined;
  if (!entry.revoked && now - entry.checkedAt >= LIVE_TTL_MS) return undefined;
  put(sessionId, entry);
  return entry.revoked;
}

export async function isSessionRevoked(db: D1Like, sessionId: string, now = Date.now()): Promise<boolean> {
  const cached = cachedRevocation(sessionId, now);
  if (cached !== undefined) return cached;
  const revoked = await readSessionRevoked(db, sessionId);
  // A revocation recorded meanwhile on this isolate wins over a read that started before it.
  if (!entries.get(sessionId)?.revoked) put(sessionId, { revoked, checkedAt: now });
  return revoked;
}

/** The session was just revoked by this isolate: its access tokens stop working here at once. */
export function markSessionRevoked(sessionId: string, now = Date.now()): void {
  put(sessionId, { revoked: true, checkedAt: now });
}

/** The session was just created or refreshed here, so it is live: its first requests skip D1. */
export function markSessionLive(sessionId: string, now = Date.now()): void {
  if (!entries.get(sessionId)?.revoked) put(sessionId, { revoked: false, checkedAt: now });
}

/** For tests: forget everything. */
export function clearSessionCache(): void {
  entries.clear();
}
