import { spaceKeys } from "../keys.js";
import { randomId } from "../platform.js";
import type { OutpostStorage } from "../storage/types.js";
import { LocalView } from "./view.js";
import { rebase } from "./rebase.js";
import {
  rid,
  type Op,
  type PendingMutation,
  type ServerRecord,
  type SpaceMeta,
  type Value,
  type WireRecord,
} from "./types.js";

type Entry = [string, string | null];

/**
 * One space's durable state for one user: the last pulled server records, the queue of pending
 * mutations, the cursor and the clientId, plus the local view (server + pending, rebased).
 * Invariants: a mutation is sent only once its current id is in storage (`unsaved` says it is
 * not yet); ids are renumbered only for mutations the server never applied; an edit and its
 * queue entry are one storage write.
 */
export class SpaceStore {
  readonly server = new Map<string, ServerRecord>();
  /** Pending mutations in id order. */
  pending: PendingMutation[] = [];
  /** Acknowledged mutations whose result carried no record (a retried push): replayed until pulled. */
  settling: Array<{ m: PendingMutation; until: number }> = [];
  readonly view = new LocalView();
  /** Writes in flight per mutation: a renumbering may be queued behind the edit's own write. */
  private readonly unsaved = new Map<PendingMutation, number>();
  private metaStored = false;
  private readonly keys: ReturnType<typeof spaceKeys>;

  private constructor(
    private readonly storage: Required<OutpostStorage>,
    userId: string,
    readonly spaceId: string,
    public meta: SpaceMeta,
  ) {
    this.keys = spaceKeys(userId, spaceId);
  }

  static async load(storage: Required<OutpostStorage>, userId: string, spaceId: string): Promise<SpaceStore> {
    const keys = spaceKeys(userId, spaceId);
    const entries = await storage.getMany(keys.meta.slice(0, -"meta".length));
    return SpaceStore.fromEntries(storage, userId, spaceId, entries);
  }

  /** Builds a store from the entries of its prefix (Outpost loads every space in one scan). */
  static fromEntries(
    storage: Required<OutpostStorage>,
    userId: string,
    spaceId: string,
    entries: Array<[string, string]>,
  ): SpaceStore {
    const keys = spaceKeys(userId, spaceId);
    let meta: SpaceMeta | undefined;
    const store = new SpaceStore(storage, userId, spaceId, {
      clientId: `c-${randomId()}`,
      cursor: 0,
      lastMutationId: 0,
    });
    for (const [key, raw] of entries) {
      if (key === keys.meta) meta = JSON.parse(raw) as SpaceMeta;
      else if (key.startsWith(keys.recordPrefix))
        store.server.set(key.slice(keys.recordPrefix.length), JSON.parse(raw) as ServerRecord);
      else if (key.startsWith(keys.mutationPrefix)) store.pending.push(JSON.parse(raw) as PendingMutation);
    }
    if (meta) {
      store.meta = meta;
      store.metaStored = true;
    }
    store.pending.sort((a, b) => a.id - b.id);
    store.view.reset(store.server, store.pendingIndex());
    return store;
  }

  pendingIndex(): Map<string, PendingMutation[]> {
    const index = new Map<string, PendingMutation[]>();
    const add = (m: PendingMutation) => {
      const id = rid(m.collection, m.key);
      const list = index.get(id);
      if (list) list.push(m);
      else index.set(id, [m]);
    };
    for (const s of this.settling) add(s.m);
    for (const m of this.pending) add(m);
    return index;
  }

  /** Rebases the given records and tells the view; returns the collections that changed. */
  private refresh(ids: Iterable<string>): string[] {
    return this.view.apply(rebase(ids, this.server, this.pendingIndex()));
  }

  private metaEntry(): Entry {
    this.metaStored = true;
    return [this.keys.meta, JSON.stringify(this.meta)];
  }

  private mutationEntry(m: PendingMutation): Entry {
    return [this.keys.mutation(m.id), JSON.stringify(m)];
  }

  /** Writes entries; the given mutations count as durable only once the write landed. */
  private async write(entries: Entry[], mutations: PendingMutation[] = []): Promise<void> {
    for (const m of mutations) this.unsaved.set(m, (this.unsaved.get(m) ?? 0) + 1);
    try {
      await this.storage.setMany(entries);
    } finally {
      for (const m of mutations) {
        const left = (this.unsaved.get(m) ?? 1) - 1;
        if (left > 0) this.unsaved.set(m, left);
        else this.unsaved.delete(m);
      }
    }
  }

  /** The leading run of pending mutations whose ids are in storage: the only ones to send. */
  sendable(): PendingMutation[] {
    const out: PendingMutation[] = [];
    for (const m of this.pending) {
      if (this.unsaved.has(m)) break;
      out.push(m);
    }
    return out;
  }

  private nextId(): number {
    const last = this.pending[this.pending.length - 1]?.id ?? 0;
    return Math.max(last, this.meta.lastMutationId) + 1;
  }

  /** An optimistic edit: view updated at once, mutation + clientId written in one setMany. */
  async enqueue(op: Op, collection: string, key: string, value?: Value): Promise<string[]> {
    const id = rid(collection, key);
    const m: PendingMutation = { id: this.nextId(), collection, key, op };
    if (value !== undefined) m.value = value;
    const base = this.server.get(id);
    const same = (p: PendingMutation) => p.collection === collection && p.key === key;
    // On top of our own unacknowledged (or not yet pulled) edit: its landing version is unknown.
    if (this.pending.some(same) || this.settling.some((s) => same(s.m))) m.chained = true;
    else if (base) m.baseVersion = base.version;
    this.pending.push(m);
    const changed = this.refresh([id]);
    const entries: Entry[] = [this.mutationEntry(m)];
    if (!this.metaStored) entries.push(this.metaEntry());
    try {
      await this.write(entries, [m]);
    } catch (error) {
      this.pending = this.pending.filter((p) => p !== m);
      this.refresh([id]);
      throw error;
    }
    return changed;
  }

  private setServer(record: WireRecord, entries: Entry[], ids: Set<string>): void {
    const id = rid(record.collection, record.key);
    const held = this.server.get(id);
    if (held && held.version > record.version) return; // versions never go back
    ids.add(id);
    if (record.deleted || !record.value) {
      this.server.delete(id);
      entries.push([this.keys.record(id), null]);
    } else {
      const next: ServerRecord = { version: record.version, value: record.value };
      this.server.set(id, next);
      entries.push([this.keys.record(id), JSON.stringify(next)]);
    }
  }

  /**
   * A push answered 200: results' records become server state, every id ≤ lastMutationId
   * leaves the queue (rolled back if rejected or in conflict), and a chained edit of a record
   * that just landed gets that record's new version as its base.
   */
  async acknowledge(res: {
    lastMutationId: number;
    version: number;
    results: Array<{ id: number; status: string; record?: WireRecord }>;
  }): Promise<string[]> {
    const entries: Entry[] = [];
    const ids = new Set<string>();
    const byId = new Map(res.results.map((r) => [r.id, r]));
    const done = this.pending.filter((m) => m.id <= res.lastMutationId);
    this.pending = this.pending.filter((m) => m.id > res.lastMutationId);
    // Per record, the version a chained follower is now based on: the last of ours that landed,
    // or, after a conflict, the stale base the user edited from (so the follower conflicts too).
    const bases = new Map<string, number>();
    for (const m of done) {
      const r = byId.get(m.id);
      const id = rid(m.collection, m.key);
      entries.push([this.keys.mutation(m.id), null]);
      ids.add(id);
      if (r?.record) this.setServer(r.record, entries, ids);
      if (!r) this.settling.push({ m, until: res.version });
      if (r?.status === "applied" && r.record) bases.set(id, r.record.version);
      else if (r?.status === "conflict" && m.baseVersion !== undefined) bases.set(id, m.baseVersion);
    }
    const rebased: PendingMutation[] = [];
    for (const [id, base] of bases) {
      const next = this.pending.find((p) => rid(p.collection, p.key) === id);
      if (!next?.chained) continue;
      delete next.chained;
      next.baseVersion = base;
      entries.push(this.mutationEntry(next));
      rebased.push(next);
    }
    this.meta.lastMutationId = Math.max(this.meta.lastMutationId, res.lastMutationId);
    entries.push(this.metaEntry());
    await this.write(entries, rebased);
    return this.refresh(ids);
  }

  /**
   * One pull page. On the last page, mutations the server says it applied leave the queue.
   * During a resync (cursor 0 after a 410) the cursor moves only at the end, so an app killed
   * half-way resyncs again; the end drops every record the snapshot did not mention.
   */
  async applyPage(
    page: { changes: WireRecord[]; cursor: number; hasMore: boolean; lastMutationId: number },
    resync?: Set<string>,
  ): Promise<string[]> {
    const entries: Entry[] = [];
    const ids = new Set<string>();
    for (const change of page.changes) {
      this.setServer(change, entries, ids);
      resync?.add(rid(change.collection, change.key));
    }
    if (!page.hasMore) {
      if (resync) {
        for (const id of this.server.keys()) {
          if (resync.has(id)) continue;
          this.server.delete(id);
          entries.push([this.keys.record(id), null]);
          ids.add(id);
        }
      }
      for (const m of this.pending) {
        if (m.id > page.lastMutationId) break;
        entries.push([this.keys.mutation(m.id), null]);
        ids.add(rid(m.collection, m.key));
      }
      this.pending = this.pending.filter((m) => m.id > page.lastMutationId);
      for (const s of this.settling) if (s.until <= page.cursor) ids.add(rid(s.m.collection, s.m.key));
      this.settling = this.settling.filter((s) => s.until > page.cursor);
      this.meta.lastMutationId = Math.max(this.meta.lastMutationId, page.lastMutationId);
    }
    if (!resync || !page.hasMore) this.meta.cursor = page.cursor;
    entries.push(this.metaEntry());
    await this.write(entries);
    return this.refresh(ids);
  }

  /**
   * Removes mutations the server never applied (rejected as a whole request, or ids below the
   * server's last after a gap) and renumbers what is left from lastMutationId + 1, so the next
   * push has no gap. Returns the removed ones (for `rejected` events).
   */
  async dropUnsent(
    drop: (m: PendingMutation) => boolean,
    serverLast = this.meta.lastMutationId,
  ): Promise<{
    dropped: PendingMutation[];
    changed: string[];
  }> {
    const entries: Entry[] = [];
    const ids = new Set<string>();
    const dropped: PendingMutation[] = [];
    const kept: PendingMutation[] = [];
    for (const m of this.pending) {
      entries.push([this.keys.mutation(m.id), null]);
      if (m.id <= serverLast) {
        // Applied by an earlier attempt whose answer was lost: shown until the next pull has it.
        this.settling.push({ m, until: 0 });
        ids.add(rid(m.collection, m.key));
      } else if (drop(m)) {
        dropped.push(m);
        ids.add(rid(m.collection, m.key));
      } else kept.push(m);
    }
    this.meta.lastMutationId = serverLast;
    kept.forEach((m, i) => (m.id = serverLast + 1 + i));
    const rewrites = kept.map((m) => this.mutationEntry(m));
    // Deletions first, then the new ids: one atomic write either way.
    const byKey = new Map<string, string | null>(entries);
    for (const [k, v] of rewrites) byKey.set(k, v);
    this.pending = kept;
    await this.write([...byKey, this.metaEntry()], kept);
    return { dropped, changed: this.refresh(ids) };
  }
}
