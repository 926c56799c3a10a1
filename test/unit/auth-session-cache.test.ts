import { beforeEach, describe, expect, it } from "vitest";
import {
  LIVE_TTL_MS,
  MAX_ENTRIES,
  cachedRevocation,
  clearSessionCache,
  isSessionRevoked,
  markSessionLive,
  markSessionRevoked,
} from "../../worker/auth/session-cache";

/** A D1 stand-in that answers `SELECT revoked_at FROM sessions` and counts the reads. */
function fakeDb(revoked: Record<string, number | null>) {
  const db = {
    reads: 0,
    prepare: () => ({
      bind: (id: string) => ({
        first: async () => {
          db.reads++;
          return id in revoked ? { revoked_at: revoked[id] } : null;
        },
      }),
    }),
  };
  return db;
}

beforeEach(() => clearSessionCache());

describe("session revocation cache", () => {
  it("reads D1 once, then answers from memory for 30 s", async () => {
    const db = fakeDb({ s1: null });
    const t = 1_000_000;
    expect(await isSessionRevoked(db as unknown as D1Database, "s1", t)).toBe(false);
    expect(await isSessionRevoked(db as unknown as D1Database, "s1", t + LIVE_TTL_MS - 1)).toBe(false);
    expect(db.reads).toBe(1);
    await isSessionRevoked(db as unknown as D1Database, "s1", t + LIVE_TTL_MS);
    expect(db.reads).toBe(2);
  });

  it("never shares an in-flight read between requests, and caches the answer once read", async () => {
    // Sharing one pending D1 call across requests makes workerd refuse the waiting requests'
    // later I/O, so each concurrent miss reads for itself...
    const db = fakeDb({ s1: null });
    await Promise.all([1, 2, 3].map(() => isSessionRevoked(db as unknown as D1Database, "s1", 5)));
    expect(db.reads).toBe(3);
    // ...and what they read serves every later request within the staleness bound.
    await isSessionRevoked(db as unknown as D1Database, "s1", 6);
    expect(db.reads).toBe(3);
  });

  it("treats an unknown session as revoked", async () => {
    expect(await isSessionRevoked(fakeDb({}) as unknown as D1Database, "nope", 1)).toBe(true);
  });

  it("a revocation on this isolate applies at once and never expires", () => {
    markSessionLive("s1", 0);
    markSessionRevoked("s1", 1);
    expect(cachedRevocation("s1", 2)).toBe(true);
    expect(cachedRevocation("s1", 10 * LIVE_TTL_MS)).toBe(true);
    markSessionLive("s1", 3); // a late "live" never un-revokes
    expect(cachedRevocation("s1", 4)).toBe(true);
  });

  it("is bounded, evicting the least recently used", () => {
    markSessionLive("first", 0);
    markSessionLive("second", 0);
    expect(cachedRevocation("first", 1)).toBe(false); // touched: now most recent
    for (let i = 0; i < MAX_ENTRIES - 1; i++) markSessionLive(`s${i}`, 1);
    expect(cachedRevocation("second", 2)).toBeUndefined();
    expect(cachedRevocation("first", 2)).toBe(false);
  });
});
