import type { OutpostStorage } from "./types.js";

/**
 * Applies `setMany` calls strictly in call order, whatever the adapter does internally, so a
 * later write of the same key (space metadata, a renumbered mutation) always lands last.
 */
export function serialWrites(storage: Required<OutpostStorage>): Required<OutpostStorage> {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    get: (key) => storage.get(key),
    getMany: (prefix) => storage.getMany(prefix),
    setMany(entries) {
      const run = tail.then(() => storage.setMany(entries));
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
