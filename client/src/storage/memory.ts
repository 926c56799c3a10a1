import type { OutpostStorage } from "./types.js";

/** In-memory storage for tests and Node tools. Two Outposts on one instance share it like an app and its extension. */
export function memoryStorage(initial?: Iterable<[string, string]>): Required<OutpostStorage> & {
  /** A copy of every entry (tests use it to inspect what a killed app left behind). */
  snapshot(): Map<string, string>;
} {
  const data = new Map<string, string>(initial);
  return {
    async get(key) {
      return data.get(key) ?? null;
    },
    async getMany(prefix) {
      const out: Array<[string, string]> = [];
      for (const entry of data) if (entry[0].startsWith(prefix)) out.push(entry);
      return out;
    },
    async setMany(entries) {
      // Synchronous inside one call, so it is atomic for every reader.
      for (const [key, value] of entries) {
        if (value === null) data.delete(key);
        else data.set(key, value);
      }
    },
    snapshot: () => new Map(data),
  };
}
