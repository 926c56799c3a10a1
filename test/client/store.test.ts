import { describe, expect, it } from "vitest";
import { memoryStorage, type OutpostStorage } from "../../client/src/index";
import { SpaceStore } from "../../client/src/sync/store";

type Write = Array<[string, string | null]>;

/** Memory storage that records every setMany and can hold writes back until released. */
function recording() {
  const inner = memoryStorage();
  const writes: Write[] = [];
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const storage: Required<OutpostStorage> = {
    get: (k) => inner.get(k),
    getMany: (p) => inner.getMany(p),
    async setMany(entries) {
      writes.push(entries);
      if (gate) await gate;
      await inner.setMany(entries);
    },
  };
  return {
    storage,
    inner,
    writes,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release() {
      gate = undefined;
      open();
    },
  };
}

const load = (storage: Required<OutpostStorage>) => SpaceStore.load(storage, "u1", "me");
const rec = (key: string, version: number, value: Record<string, unknown> | null) => ({
  collection: "tasks",
  key,
  version,
  deleted: value === null,
  value,
});

describe("SpaceStore (the durable queue)", () => {
  it("writes an edit's queued mutation and the clientId in one setMany, and shows the edit at once", async () => {
    const r = recording();
    const store = await load(r.storage);
    await store.enqueue("put", "tasks", "t1", { title: "a" });
    expect(r.writes).toHaveLength(1);
    expect(r.writes[0]!.map(([k]) => k.replace(/^outpost:s:u1:me:/, ""))).toEqual([
      "m:0000000000000001",
      "meta",
    ]);
    expect(store.view.get("tasks", "t1")).toEqual({ title: "a" });
    const relaunched = await load(r.storage);
    expect(relaunched.meta.clientId).toBe(store.meta.clientId);
    expect(relaunched.pending.map((m) => m.id)).toEqual([1]);
    expect(relaunched.view.get("tasks", "t1")).toEqual({ title: "a" });
  });

  it("never offers a mutation for sending before its write landed", async () => {
    const r = recording();
    const store = await load(r.storage);
    await store.enqueue("put", "tasks", "a", { n: 1 });
    r.hold();
    const second = store.enqueue("put", "tasks", "b", { n: 2 });
    expect(store.view.get("tasks", "b")).toEqual({ n: 2 });
    expect(store.sendable().map((m) => m.id)).toEqual([1]);
    r.release();
    await second;
    expect(store.sendable().map((m) => m.id)).toEqual([1, 2]);
  });

  it("takes acknowledged results as server state and bases a chained edit on the version that landed", async () => {
    const r = recording();
    const store = await load(r.storage);
    await store.enqueue("put", "notes", "n", { title: "a" });
    await store.enqueue("patch", "notes", "n", { title: "b" });
    expect(store.pending[1]).toMatchObject({ chained: true });
    await store.acknowledge({
      lastMutationId: 1,
      version: 5,
      results: [
        { id: 1, status: "applied", record: { ...rec("n", 5, { title: "a" }), collection: "notes" } },
      ],
    });
    expect(store.pending).toEqual([
      { id: 2, collection: "notes", key: "n", op: "patch", value: { title: "b" }, baseVersion: 5 },
    ]);
    expect(store.view.get("notes", "n")).toEqual({ title: "b" });
    expect((await load(r.storage)).pending[0]).toMatchObject({ baseVersion: 5 });
  });

  it("bases a chained edit on the last of several earlier edits that landed in one push", async () => {
    const store = await load(recording().storage);
    await store.enqueue("put", "notes", "n", { title: "a" });
    await store.enqueue("patch", "notes", "n", { title: "b" });
    await store.enqueue("patch", "notes", "n", { title: "c" });
    const note = (version: number, title: string) => ({
      ...rec("n", version, { title }),
      collection: "notes",
    });
    await store.acknowledge({
      lastMutationId: 2,
      version: 8,
      results: [
        { id: 1, status: "applied", record: note(7, "a") },
        { id: 2, status: "applied", record: note(8, "b") },
      ],
    });
    expect(store.pending).toEqual([
      { id: 3, collection: "notes", key: "n", op: "patch", value: { title: "c" }, baseVersion: 8 },
    ]);
  });

  it("makes a chained edit carry the stale base when the edit before it conflicted", async () => {
    const store = await load(recording().storage);
    await store.applyPage({
      changes: [{ ...rec("n", 3, { title: "a" }), collection: "notes" }],
      cursor: 3,
      hasMore: false,
      lastMutationId: 0,
    });
    await store.enqueue("patch", "notes", "n", { title: "mine" });
    await store.enqueue("patch", "notes", "n", { title: "mine too" });
    await store.acknowledge({
      lastMutationId: 1,
      version: 5,
      results: [
        { id: 1, status: "conflict", record: { ...rec("n", 5, { title: "theirs" }), collection: "notes" } },
      ],
    });
    expect(store.pending[0]).toMatchObject({ id: 2, baseVersion: 3 });
    expect(store.pending[0]!.chained).toBeUndefined();
    expect(store.view.get("notes", "n")).toEqual({ title: "mine too" });
  });

  it("keeps showing a retried push's edits (acknowledged without results) until a pull brings them", async () => {
    const store = await load(recording().storage);
    await store.enqueue("put", "tasks", "t", { title: "mine" });
    await store.acknowledge({ lastMutationId: 1, version: 3, results: [] });
    expect(store.pending).toEqual([]);
    expect(store.view.get("tasks", "t")).toEqual({ title: "mine" });
    await store.applyPage({
      changes: [rec("t", 3, { title: "mine" })],
      cursor: 3,
      hasMore: false,
      lastMutationId: 1,
    });
    expect(store.settling).toEqual([]);
    expect(store.view.get("tasks", "t")).toEqual({ title: "mine" });
  });

  it("renumbers unsent mutations from the server's last id after dropping a rejected one", async () => {
    const r = recording();
    const store = await load(r.storage);
    for (const k of ["a", "b", "c"]) await store.enqueue("put", "tasks", k, { k });
    r.writes.length = 0;
    const { dropped } = await store.dropUnsent((m) => m.key === "a");
    expect(dropped.map((m) => m.key)).toEqual(["a"]);
    expect(store.pending.map((m) => [m.id, m.key])).toEqual([
      [1, "b"],
      [2, "c"],
    ]);
    expect(r.writes).toHaveLength(1);
    const keys = [...r.inner.snapshot().keys()].filter((k) => k.includes(":m:"));
    expect(keys.map((k) => Number(k.split(":m:")[1]))).toEqual([1, 2]);
    expect(store.view.get("tasks", "a")).toBeUndefined();
  });

  it("after a gap, treats ids the server already has as applied and resends the rest after them", async () => {
    const store = await load(recording().storage);
    for (const k of ["a", "b", "c"]) await store.enqueue("put", "tasks", k, { k });
    await store.dropUnsent(() => false, 1);
    expect(store.pending.map((m) => [m.id, m.key])).toEqual([
      [2, "b"],
      [3, "c"],
    ]);
    expect(store.meta.lastMutationId).toBe(1);
    expect(store.view.get("tasks", "a")).toEqual({ k: "a" });
  });

  it("drops applied mutations only on a pull's last page, and during a resync moves the cursor only at the end", async () => {
    const r = recording();
    const store = await load(r.storage);
    await store.applyPage({
      changes: [rec("old", 1, { v: 1 }), rec("x", 2, { v: 2 })],
      cursor: 2,
      hasMore: false,
      lastMutationId: 0,
    });
    await store.enqueue("put", "tasks", "p", { v: 3 });
    const seen = new Set<string>();
    await store.applyPage(
      { changes: [rec("x", 4, { v: 4 })], cursor: 4, hasMore: true, lastMutationId: 1 },
      seen,
    );
    expect(store.meta.cursor).toBe(2);
    expect(store.pending).toHaveLength(1);
    await store.applyPage(
      { changes: [rec("p", 5, { v: 3 })], cursor: 5, hasMore: false, lastMutationId: 1 },
      seen,
    );
    expect(store.meta.cursor).toBe(5);
    expect(store.pending).toHaveLength(0);
    expect(store.view.list("tasks").map((row) => row.key)).toEqual(["p", "x"]);
    const relaunched = await load(r.storage);
    expect(relaunched.view.list("tasks")).toEqual(store.view.list("tasks"));
  });
});
