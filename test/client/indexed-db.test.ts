import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { indexedDbStorage } from "../../client/src/index";
import { withKeyIndex } from "../../client/src/storage/key-index";
import { SpaceStore } from "../../client/src/sync/store";

// indexedDbStorage against fake-indexeddb (a full in-memory IndexedDB): the adapter's own code
// paths (open and upgrade, one transaction per setMany, prefix scans); the demo's browser test
// runs it in Chromium.

describe("indexedDbStorage", () => {
  it("reads, writes, deletes and scans by prefix, and a relaunch sees the same data", async () => {
    const name = `t-${crypto.randomUUID()}`;
    const storage = indexedDbStorage(name);
    await storage.setMany([
      ["outpost:s:u:me:r:tasks\u0000a", "1"],
      ["outpost:s:u:me:r:tasks\u0000b", "2"],
      ["outpost:s:u:team:meta", "3"],
      ["outpost:session", "4"],
    ]);
    await storage.setMany([
      ["outpost:s:u:me:r:tasks\u0000b", null],
      ["outpost:s:u:me:meta", "5"],
    ]);
    expect(await storage.get("outpost:session")).toBe("4");
    expect(await storage.get("outpost:s:u:me:r:tasks\u0000b")).toBeNull();
    const relaunched = indexedDbStorage(name);
    expect((await relaunched.getMany("outpost:s:u:me:")).sort()).toEqual([
      ["outpost:s:u:me:meta", "5"],
      ["outpost:s:u:me:r:tasks\u0000a", "1"],
    ]);
  });

  it("keeps a space's queue and local data across relaunches", async () => {
    const name = `t-${crypto.randomUUID()}`;
    const store = await SpaceStore.load(withKeyIndex(indexedDbStorage(name)), "u", "me");
    await store.enqueue("put", "tasks", "a", { title: "one" });
    await store.enqueue("patch", "tasks", "a", { done: true });
    const relaunched = await SpaceStore.load(withKeyIndex(indexedDbStorage(name)), "u", "me");
    expect(relaunched.pending.map((m) => m.id)).toEqual([1, 2]);
    expect(relaunched.meta.clientId).toBe(store.meta.clientId);
    expect(relaunched.view.get("tasks", "a")).toEqual({ title: "one", done: true });
  });
});
