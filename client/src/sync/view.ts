import { splitRid, type Row, type ServerRecord, type PendingMutation, type Value } from "./types.js";
import { rebase } from "./rebase.js";

/**
 * The local state apps read: per collection, key → value (server state + pending edits).
 * Sorted lists are cached per collection and rebuilt only after that collection changed.
 */
export class LocalView {
  private readonly collections = new Map<string, Map<string, Value>>();
  private readonly sorted = new Map<string, Row[]>();

  reset(
    server: ReadonlyMap<string, ServerRecord>,
    pending: ReadonlyMap<string, readonly PendingMutation[]>,
  ): void {
    this.collections.clear();
    this.sorted.clear();
    this.apply(rebase([...server.keys(), ...pending.keys()], server, pending));
  }

  /** Writes rebased values; returns the collections that changed. */
  apply(values: Map<string, Value | undefined>): string[] {
    const changed = new Set<string>();
    for (const [id, value] of values) {
      const [collection, key] = splitRid(id);
      let rows = this.collections.get(collection);
      if (value === undefined) {
        if (!rows?.delete(key)) continue;
      } else {
        if (!rows) this.collections.set(collection, (rows = new Map()));
        if (rows.get(key) === value) continue;
        rows.set(key, value);
      }
      changed.add(collection);
    }
    for (const c of changed) this.sorted.delete(c);
    return [...changed];
  }

  get(collection: string, key: string): Value | undefined {
    return this.collections.get(collection)?.get(key);
  }

  /** `[{ key, value }]` in key order (code-point order, as the server sorts). */
  list(collection: string): Row[] {
    let rows = this.sorted.get(collection);
    if (!rows) {
      rows = [...(this.collections.get(collection) ?? [])]
        .map(([key, value]) => ({ key, value }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.sorted.set(collection, rows);
    }
    return rows;
  }

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }
}
