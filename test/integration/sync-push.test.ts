import { describe, expect, it } from "vitest";
import type { Mutation } from "../../worker/sync/protocol";
import { env } from "cloudflare:workers";
import { flushMetrics } from "../../worker/ops/metrics";
import { adminHeaders, anonymousUser, call } from "../setup/http";
import {
  addMember,
  createSpace,
  newClientId,
  problemCode,
  pullAll,
  pullOk,
  push,
  pushOk,
  putTask,
  type Caller,
} from "./sync-helpers";

async function user(): Promise<Caller & { userId: string }> {
  const u = await anonymousUser();
  return { token: u.accessToken, userId: u.userId, deviceId: u.deviceId };
}

describe("POST /v1/sync/{spaceId}/push", () => {
  it("applies mutations in order and answers each with its record and version", async () => {
    const me = await user();
    const clientId = newClientId();
    const res = await pushOk(me, "me", clientId, [
      putTask(1, "a", { title: "A", done: false }),
      putTask(2, "b", { title: "B", done: true, dueAt: 1767225600000 }),
    ]);
    expect(res).toEqual({
      lastMutationId: 2,
      version: 2,
      results: [
        {
          id: 1,
          status: "applied",
          record: {
            collection: "tasks",
            key: "a",
            version: 1,
            deleted: false,
            value: { title: "A", done: false },
          },
        },
        {
          id: 2,
          status: "applied",
          record: {
            collection: "tasks",
            key: "b",
            version: 2,
            deleted: false,
            value: { title: "B", done: true, dueAt: 1767225600000 },
          },
        },
      ],
    });
  });

  it("applies nothing twice when a push is retried after its response was lost", async () => {
    const me = await user();
    const clientId = newClientId();
    const batch = [
      putTask(1, "a", { title: "A", done: false }),
      putTask(2, "b", { title: "B", done: false }),
    ];
    const first = await pushOk(me, "me", clientId, batch);
    // The phone never saw `first`; it sends the same batch again, plus one new mutation.
    const retry = await pushOk(me, "me", clientId, [...batch, putTask(3, "c", { title: "C", done: false })]);
    expect(first.version).toBe(2);
    expect(retry.lastMutationId).toBe(3);
    expect(retry.version).toBe(3);
    expect(retry.results.map((r) => r.id)).toEqual([3]);
    const again = await pushOk(me, "me", clientId, batch);
    expect(again).toEqual({ lastMutationId: 3, version: 3, results: [] });
    const { changes } = await pullAll(me, "me");
    expect(changes.map((c) => [c.key, c.version])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
  });

  it("applies a batch delivered several times at the same moment once", async () => {
    const me = await user();
    const clientId = newClientId();
    const batch = [
      putTask(1, "a", { title: "A", done: false }),
      putTask(2, "b", { title: "B", done: false }),
    ];
    const responses = await Promise.all(Array.from({ length: 5 }, () => pushOk(me, "me", clientId, batch)));
    expect(responses.every((r) => r.lastMutationId === 2 && r.version === 2)).toBe(true);
    expect(responses.flatMap((r) => r.results)).toHaveLength(2);
    const { changes } = await pullAll(me, "me");
    expect(changes.map((c) => [c.key, c.version])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("refuses a mutation id that skips ahead with 409 mutation_gap, applying nothing", async () => {
    const me = await user();
    const clientId = newClientId();
    await pushOk(me, "me", clientId, [putTask(1, "a", { title: "A", done: false })]);
    const gap = await push(me, "me", clientId, [
      putTask(2, "b", { title: "B", done: false }),
      putTask(4, "d", { title: "D", done: false }),
    ]);
    expect(gap.status).toBe(409);
    expect(await problemCode(gap)).toBe("mutation_gap");
    const fresh = await push(me, "me", newClientId(), [putTask(2, "x", { title: "X", done: false })]);
    expect(fresh.status).toBe(409);
    const state = await pullOk(me, "me", `cursor=0&clientId=${clientId}`);
    expect(state.changes.map((c) => c.key)).toEqual(["a"]);
    expect(state.lastMutationId).toBe(1);
    expect(state.cursor).toBe(1);
  });

  it("counts a rejected mutation as applied so the client's queue drains, and applies the rest", async () => {
    const me = await user();
    const clientId = newClientId();
    const res = await pushOk(me, "me", clientId, [
      { id: 1, collection: "nope", key: "x", op: "put", value: { a: 1 } },
      putTask(2, "bad", { title: "", done: "yes" }),
      putTask(3, "extra", { title: "t", done: false, color: "red" }),
      putTask(4, "ok", { title: "fine", done: false }),
    ]);
    expect(res.lastMutationId).toBe(4);
    expect(res.version).toBe(1);
    expect(res.results.map((r) => [r.id, r.status, r.error?.code])).toEqual([
      [1, "rejected", "unknown_collection"],
      [2, "rejected", "invalid_value"],
      [3, "rejected", "unknown_field"],
      [4, "applied", undefined],
    ]);
    expect(res.results[1]?.error?.errors?.map((e) => e.path).sort()).toEqual(["done", "title"]);
    const state = await pullOk(me, "me", `cursor=0&clientId=${clientId}`);
    expect(state.changes.map((c) => c.key)).toEqual(["ok"]);
    expect(state.lastMutationId).toBe(4);
    // The next push continues after the rejected ones.
    expect(
      (await pushOk(me, "me", clientId, [putTask(5, "next", { title: "n", done: true })])).lastMutationId,
    ).toBe(5);
  });

  it("answers more than 500 mutations with 413 and applies none of them", async () => {
    const me = await user();
    const clientId = newClientId();
    const many: Mutation[] = Array.from({ length: 501 }, (_, i) =>
      putTask(i + 1, `k${i}`, { title: "t", done: false }),
    );
    const res = await push(me, "me", clientId, many);
    expect(res.status).toBe(413);
    expect(await problemCode(res)).toBe("payload_too_large");
    const state = await pullOk(me, "me", `cursor=0&clientId=${clientId}`);
    expect(state.changes).toEqual([]);
    expect(state.lastMutationId).toBe(0);
    // Exactly 500 is fine.
    expect((await pushOk(me, "me", clientId, many.slice(0, 500))).lastMutationId).toBe(500);
  });

  it("answers a value over 256 KiB with 413 and applies nothing of the push", async () => {
    const me = await user();
    const clientId = newClientId();
    const res = await push(me, "me", clientId, [
      putTask(1, "small", { title: "t", done: false }),
      { id: 2, collection: "notes", key: "big", op: "put", value: { title: "t", body: "x".repeat(270_000) } },
    ]);
    expect(res.status).toBe(413);
    expect(await problemCode(res)).toBe("payload_too_large");
    const state = await pullOk(me, "me", `cursor=0&clientId=${clientId}`);
    expect(state).toMatchObject({ changes: [], lastMutationId: 0 });
  });

  it("answers a body over 1 MiB with 413 and applies nothing", async () => {
    const me = await user();
    const clientId = newClientId();
    const mutations = Array.from({ length: 5 }, (_, i) => ({
      id: i + 1,
      collection: "notes",
      key: `n${i}`,
      op: "put" as const,
      value: { title: "t", body: "y".repeat(250_000) },
    }));
    const res = await push(me, "me", clientId, mutations);
    expect(res.status).toBe(413);
    const state = await pullOk(me, "me", `cursor=0&clientId=${clientId}`);
    expect(state).toMatchObject({ changes: [], lastMutationId: 0 });
  });

  it("rejects unknown fields and malformed mutations with 400 invalid_body, applying nothing", async () => {
    const me = await user();
    const clientId = newClientId();
    const cases: unknown[] = [
      { clientId, mutations: [{ ...putTask(1, "a", { title: "a", done: false }), extra: 1 }] },
      { clientId, mutations: [{ id: 1, collection: "tasks", key: "a", op: "put" }] },
      { clientId, mutations: [{ id: 1, collection: "tasks", key: "a", op: "delete", value: {} }] },
      { clientId, mutations: [{ id: 0, collection: "tasks", key: "a", op: "delete" }] },
      { clientId: "", mutations: [] },
      { clientId, mutations: [], more: true },
    ];
    for (const json of cases) {
      const res = await call("/v1/sync/me/push", { method: "POST", token: me.token, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(await problemCode(res)).toBe("invalid_body");
    }
    expect((await pullOk(me, "me", "cursor=0")).changes).toEqual([]);
  });

  it("requires a user token", async () => {
    const res = await call("/v1/sync/me/push", { method: "POST", json: { clientId: "c", mutations: [] } });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain("invalid_token");
    expect((await call("/v1/sync/me/pull")).status).toBe(401);
  });

  it("scopes a clientId to its user: another member's same string is a client of their own", async () => {
    const owner = await user();
    const editor = await user();
    const spaceId = await createSpace(owner);
    await addMember(owner, spaceId, editor.userId, "editor");
    const clientId = newClientId();
    await pushOk(owner, spaceId, clientId, [putTask(1, "a", { title: "mine", done: false })]);
    // The editor's first push with the same string starts at 1: it is not the owner's client.
    const theirs = await pushOk(editor, spaceId, clientId, [
      putTask(1, "b", { title: "theirs", done: true }),
    ]);
    expect(theirs.lastMutationId).toBe(1);
    expect((await pullOk(editor, spaceId, `clientId=${clientId}`)).lastMutationId).toBe(1);
    await pushOk(owner, spaceId, clientId, [putTask(2, "a", { title: "mine 2", done: false })]);
    expect((await pullOk(owner, spaceId, `clientId=${clientId}`)).lastMutationId).toBe(2);
    expect((await pullOk(editor, spaceId, `clientId=${clientId}`)).lastMutationId).toBe(1);
  });

  it("counts pushes and pulls in the metrics", async () => {
    const me = await user();
    const scrape = async () => {
      await flushMetrics(env);
      const text = await (
        await call("/v1/admin/metrics", { headers: adminHeaders(env.ADMIN_API_KEY) })
      ).text();
      const value = (name: string) =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, "m").exec(text)?.[1] ?? 0);
      return { pushes: value("outpost_sync_pushes_total"), pulls: value("outpost_sync_pulls_total") };
    };
    const before = await scrape();
    await pushOk(me, "me", newClientId(), [putTask(1, "a", { title: "a", done: false })]);
    await pullOk(me, "me", "cursor=0");
    const after = await scrape();
    expect(after.pushes).toBeGreaterThan(before.pushes);
    expect(after.pulls).toBeGreaterThan(before.pulls);
  });

  it("lands every change of 20 clients pushing at once exactly once, with strictly increasing versions", async () => {
    const me = await user();
    const clients = Array.from({ length: 20 }, () => newClientId());
    const responses = await Promise.all(
      clients.map((clientId, c) =>
        pushOk(
          me,
          "me",
          clientId,
          Array.from({ length: 5 }, (_, i) =>
            putTask(i + 1, `c${c}-m${i}`, { title: `c${c} m${i}`, done: false }),
          ),
        ),
      ),
    );
    const versions = responses.flatMap((r) => r.results.map((x) => x.record?.version ?? -1));
    expect(new Set(versions).size).toBe(100);
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const r of responses) {
      const own = r.results.map((x) => x.record?.version ?? -1);
      expect(own).toEqual([...own].sort((a, b) => a - b));
      expect(r.lastMutationId).toBe(5);
    }
    const { changes, cursor } = await pullAll(me, "me", { limit: 37 });
    expect(changes).toHaveLength(100);
    expect(new Set(changes.map((c) => c.key)).size).toBe(100);
    expect(changes.map((c) => c.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(cursor).toBe(100);
  });
});
