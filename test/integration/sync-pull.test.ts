import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Mutation } from "../../worker/sync/protocol";
import { anonymousUser } from "../setup/http";
import {
  newClientId,
  problemCode,
  pull,
  pullAll,
  pullOk,
  pushOk,
  putTask,
  type Caller,
} from "./sync-helpers";

async function me(): Promise<Caller & { userId: string }> {
  const u = await anonymousUser();
  return { token: u.accessToken, userId: u.userId };
}

const puts = (from: number, count: number, prefix: string): Mutation[] =>
  Array.from({ length: count }, (_, i) =>
    putTask(from + i, `${prefix}${from + i}`, { title: `t${from + i}`, done: false }),
  );

describe("GET /v1/sync/{spaceId}/pull", () => {
  it("pages 1,250 records oldest first, each exactly once, with hasMore until the end", async () => {
    const who = await me();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, puts(1, 500, "k"));
    await pushOk(who, "me", clientId, puts(501, 500, "k"));
    await pushOk(who, "me", clientId, puts(1001, 250, "k"));
    const { pages, changes, cursor } = await pullAll(who, "me", { clientId });
    expect(pages.map((p) => [p.changes.length, p.hasMore])).toEqual([
      [500, true],
      [500, true],
      [250, false],
    ]);
    expect(changes).toHaveLength(1250);
    expect(new Set(changes.map((c) => c.key)).size).toBe(1250);
    expect(changes.map((c) => c.version)).toEqual(Array.from({ length: 1250 }, (_, i) => i + 1));
    expect(cursor).toBe(1250);
    expect(pages.every((p) => p.lastMutationId === 1250)).toBe(true);
  });

  it("shows a record changed during a paginated sync once, in its latest state, in a later page", async () => {
    const who = await me();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, puts(1, 30, "k"));
    const first = await pullOk(who, "me", "cursor=0&limit=10");
    expect(first.changes.map((c) => c.key)).toContain("k1");
    // k1 (already delivered) and k25 (not yet) change while the client pages.
    await pushOk(who, "me", clientId, [
      { id: 31, collection: "tasks", key: "k1", op: "patch", value: { done: true } },
      { id: 32, collection: "tasks", key: "k25", op: "patch", value: { done: true } },
    ]);
    const rest = await pullAll(who, "me", { cursor: first.cursor, limit: 10 });
    const keys = rest.changes.map((c) => c.key);
    expect(keys.filter((k) => k === "k25")).toHaveLength(1);
    expect(keys.filter((k) => k === "k1")).toHaveLength(1);
    expect(rest.changes.find((c) => c.key === "k25")).toMatchObject({ version: 32, value: { done: true } });
    expect(rest.changes.at(-1)).toMatchObject({ key: "k25", version: 32 });
    expect(rest.cursor).toBe(32);
  });

  it("returns nothing new after the last cursor, and the same cursor back", async () => {
    const who = await me();
    await pushOk(who, "me", newClientId(), puts(1, 3, "k"));
    expect(await pullOk(who, "me", "cursor=3")).toEqual({
      changes: [],
      cursor: 3,
      hasMore: false,
      lastMutationId: 0,
    });
    expect(await pullOk(who, "me", "")).toMatchObject({ cursor: 3, hasMore: false });
  });

  it("answers an empty personal space that was never written", async () => {
    const who = await me();
    expect(await pullOk(who, "me", "cursor=0")).toEqual({
      changes: [],
      cursor: 0,
      hasMore: false,
      lastMutationId: 0,
    });
  });

  it.each([
    "limit=0",
    "limit=1001",
    "limit=abc",
    "limit=-5",
    "limit=1.5",
    "cursor=-1",
    "cursor=1.5",
    "cursor=x",
    "cursor=",
    "clientId=%20",
  ])("answers %s with 400 invalid_query", async (query) => {
    const who = await me();
    const res = await pull(who, "me", query);
    expect(res.status).toBe(400);
    expect(await problemCode(res)).toBe("invalid_query");
  });

  it("accepts the limit bounds 1 and 1000", async () => {
    const who = await me();
    await pushOk(who, "me", newClientId(), puts(1, 2, "k"));
    expect((await pullOk(who, "me", "limit=1")).changes).toHaveLength(1);
    expect((await pullOk(who, "me", "limit=1000")).changes).toHaveLength(2);
  });

  it("answers a cursor older than the purged tombstones with 410 resync_required", async () => {
    const who = await me();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, puts(1, 3, "k"));
    await pushOk(who, "me", clientId, [{ id: 4, collection: "tasks", key: "k2", op: "delete" }]); // version 4
    await pushOk(who, "me", clientId, puts(5, 1, "k")); // version 5
    const spaceId = `p_${who.userId}`;
    const stub = env.SYNC_SPACE.get(env.SYNC_SPACE.idFromName(spaceId));
    // Nothing is old enough today; 31 days from now the tombstone is past the 30-day retention.
    expect(await stub.purgeTombstones(spaceId)).toBe(0);
    expect((await pull(who, "me", "cursor=2")).status).toBe(200);
    expect(await stub.purgeTombstones(spaceId, Date.now() + 31 * 86_400_000)).toBe(1);

    const stale = await pull(who, "me", "cursor=2");
    expect(stale.status).toBe(410);
    expect(await problemCode(stale)).toBe("resync_required");
    // From scratch it works, without the purged tombstone; a cursor at or past the horizon too.
    const fresh = await pullAll(who, "me");
    expect(fresh.changes.map((c) => [c.key, c.deleted])).toEqual([
      ["k1", false],
      ["k3", false],
      ["k5", false],
    ]);
    expect((await pullOk(who, "me", "cursor=4")).changes.map((c) => c.key)).toEqual(["k5"]);
  });
});
