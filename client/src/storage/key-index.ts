import type { OutpostStorage } from "./types.js";

const INDEX_KEY = "outpost:keys";

/**
 * For adapters without `getMany`: keeps the set of keys in one entry, rewritten in the same
 * atomic `setMany` whenever a key appears or disappears (updates of existing keys cost nothing).
 */
export function withKeyIndex(storage: OutpostStorage): Required<OutpostStorage> {
  if (storage.getMany) return storage as Required<OutpostStorage>;
  let keys: Set<string> | undefined;
  const load = async () => {
    if (!keys) keys = new Set(JSON.parse((await storage.get(INDEX_KEY)) ?? "[]") as string[]);
    return keys;
  };
  return {
    get: (key) => storage.get(key),
    async getMany(prefix) {
      const out: Array<[string, string]> = [];
      for (const key of await load()) {
        if (!key.startsWith(prefix)) continue;
        const value = await storage.get(key);
        if (value !== null) out.push([key, value]);
      }
      return out;
    },
    async setMany(entries) {
      const known = await load();
      const next = new Set(known);
      for (const [key, value] of entries) {
        if (value === null) next.delete(key);
        else next.add(key);
      }
      const changed = next.size !== known.size || [...next].some((k) => !known.has(k));
      await storage.setMany(changed ? [...entries, [INDEX_KEY, JSON.stringify([...next])]] : entries);
      keys = next;
    },
  };
}
