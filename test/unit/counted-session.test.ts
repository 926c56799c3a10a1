import { describe, expect, it } from "vitest";
import { CountedSession, d1ServerTiming, newerBookmark } from "../../worker/db/counted-session";

/** A D1 binding that records which sessions were opened and answers with the given meta. */
function fakeD1(servedByPrimary?: boolean) {
  const opened: string[] = [];
  let position = 0;
  const meta = { served_by_primary: servedByPrimary };
  const statement = (sql: string): D1PreparedStatement =>
    ({
      sql,
      bind: () => statement(sql),
      first: async () => ({ one: 1 }),
      all: async () => ({ success: true, results: [], meta }),
      run: async () => ({ success: true, results: [], meta }),
      raw: async () => [[1]],
    }) as unknown as D1PreparedStatement;
  const d1 = {
    withSession(start: string) {
      opened.push(start);
      let bookmark: string | null = null;
      return {
        prepare: (sql: string) => {
          bookmark = `0000000${++position}`;
          return statement(sql);
        },
        batch: async (statements: D1PreparedStatement[]) => {
          bookmark = `0000000${++position}`;
          return statements.map(() => ({ success: true, results: [], meta }));
        },
        getBookmark: () => bookmark,
      };
    },
  } as unknown as D1Database;
  return { d1, opened };
}

describe("CountedSession", () => {
  it("counts a sent statement as one round trip and a batch as one for all its statements", async () => {
    const { d1 } = fakeD1();
    const session = new CountedSession(d1, "first-unconstrained");
    await session.prepare("SELECT 1").bind(1).first();
    await session.batch([
      session.prepare("SELECT 1"),
      session.prepare("SELECT 2"),
      session.prepare("SELECT 3"),
    ]);
    expect({ queries: session.queries, roundTrips: session.roundTrips }).toEqual({
      queries: 4,
      roundTrips: 2,
    });
    expect(d1ServerTiming(session)).toMatch(/^d1;desc="4 queries, 2 round trips";dur=\d+\.\d$/);
  });

  it("says how many went to the primary only where D1 said so", async () => {
    const { d1 } = fakeD1(true);
    const session = new CountedSession(d1, "first-unconstrained");
    await session.prepare("SELECT 1").all();
    await session.prepare("SELECT 1").first(); // no meta: says nothing
    expect({ primary: session.primary, known: session.known }).toEqual({ primary: 1, known: 1 });
    expect(d1ServerTiming(session)).toMatch(/^d1;desc="2 queries, 2 round trips, 1 to primary";dur=/);
  });

  it("opens the session lazily, so a route can still ask for the primary", async () => {
    const { d1, opened } = fakeD1();
    const session = new CountedSession(d1, "0000000a-00000000-00000000-00000000000000000000000000000000");
    expect(opened).toEqual([]);
    session.usePrimary();
    await session.prepare("SELECT 1").first();
    expect(opened).toEqual(["first-primary"]);
  });

  it("keeps the newest bookmark when it moves to the primary after a query", async () => {
    const { d1, opened } = fakeD1();
    const session = new CountedSession(d1, "first-unconstrained");
    await session.prepare("SELECT 1").first();
    const before = session.getBookmark();
    session.usePrimary();
    expect(session.getBookmark()).toBe(before);
    await session.prepare("SELECT 2").run();
    expect(opened).toEqual(["first-unconstrained", "first-primary"]);
    expect(session.getBookmark()! > before!).toBe(true);
    expect(session.roundTrips).toBe(2);
  });

  it("reports a Durable Object's D1 work apart and answers with its commit's bookmark", async () => {
    const { d1 } = fakeD1();
    const session = new CountedSession(d1, "first-unconstrained");
    await session.prepare("SELECT 1").first();
    const own = session.getBookmark()!;
    const commit = "00000009-00000000-00000000-00000000000000000000000000000000";
    session.addObjectWork({ queries: 4, roundTrips: 1, durationMs: 2, bookmark: commit, sharedBy: 3 });
    expect(session.getBookmark()).toBe(commit);
    // Counted apart: the request's own session still says what it did itself.
    expect(session.roundTrips).toBe(1);
    expect(d1ServerTiming(session)).toMatch(
      /^d1;desc="1 query, 1 round trip";dur=\d+\.\d, do-d1;desc="4 queries, 1 round trip, primary, shared by 3 pushes";dur=2\.0$/,
    );
    // An object that committed nothing leaves the request's bookmark where it was.
    session.addObjectWork({ queries: 0, roundTrips: 0, durationMs: 0, bookmark: null, sharedBy: 1 });
    expect(session.getBookmark()).toBe(commit);
    expect(own < commit).toBe(true);
  });

  it("picks the newer of two bookmarks as the greater string, and either when one is missing", () => {
    const older = "0000004c-00000001-00004f7a-00000000000000000000000000000000";
    const newer = "0000004c-00000002-00000000-00000000000000000000000000000000";
    expect(newerBookmark(older, newer)).toBe(newer);
    expect(newerBookmark(newer, older)).toBe(newer);
    expect(newerBookmark(null, older)).toBe(older);
    expect(newerBookmark(older, undefined)).toBe(older);
    expect(newerBookmark(undefined, null)).toBeNull();
  });
});
