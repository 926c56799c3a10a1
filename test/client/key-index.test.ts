import { describe, expect, it } from "vitest";
import { memoryStorage, type OutpostStorage } from "../../client/src/index";
import { withKeyIndex } from "../../client/src/storage/key-index";
import { SpaceStore } from "../../client/src/sync/store";

/** An adapter with only get and setMany (like a bare key-value store). */
function bare(): OutpostStorage & { writes: number } {
  const inner = memoryStorage();
  const s = {
    writes: 0,
    get: (k: string) => inner.get(k),
    async setMany(entries: Array<[string, string | null]>) {
      s.writes++;
      await inner.setMany(entries);
    },
  };
  return s;
}

describe("withKeyIndex (adapters without getMany)", () => {
  it("finds what was written by prefix, across relaunches, with one write per setMany", async () => {
    const raw = bare();
    const store = await SpaceStore.load(withKeyIndex(raw), "u", "me");
    await store.enqueue("put", "tasks", "a", { n: 1 });
    await store.enqueue("put", "tasks", "b", { n: 2 });
    expect(raw.writes).toBe(2);
    const relaunched = await SpaceStore.load(withKeyIndex(raw), "u", "me");
    expect(relaunched.view.list("tasks").map((r) => r.key)).toEqual(["a", "b"]);
    await relaunched.dropUnsent((m) => m.key === "a");
    const again = await SpaceStore.load(withKeyIndex(raw), "u", "me");
    expect(again.pending.map((m) => [m.id, m.key])).toEqual([[1, "b"]]);
  });
});
