import { clientKey, type ClientState, type ClientUpdate } from "../worker/sync/group";
import type { StoredRecord } from "../worker/sync/merge";
import { recordKey, type RecordWrite } from "../worker/sync/plan";
import { jsonBytes } from "../worker/sync/protocol";
import type { D1Like } from "../worker/db/client";
import { loadRecords, loadWriteState, type CachedRecord } from "../worker/sync/queries/records";

/** A space bigger than this (records, or bytes of value text) is not kept whole in memory. */
const MAX_RECORDS = 50_000;
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * What planning a write needs, so that a push group costs one D1 round trip (the commit): every
 * client's last mutation id and the current state of the space's records.
 *
 * Why it is exact: this object is the only writer of its space's synced rows, and every commit
 * is a compare-and-swap on the space's version (and on each client's last id), so D1 cannot move
 * under a live cache without the next commit failing — and any failed write drops this cache
 * (`invalidate`). Why it lives in memory, not in the object's SQLite: it is loaded from D1 once
 * per instance (lazily, by the first write, so a socket waking a hibernated object never pays
 * for it), so a crash between the D1 commit and the object's own write can never leave it behind
 * D1 — the next instance reads D1 afresh. A copy in SQLite would need the same reload after every
 * restart (its version alone cannot show a lost client-only commit), and would cost a storage
 * write per group. Two holes are covered by one read, in the same round trip as nothing else:
 * - tombstones: the ops job purges them straight in D1 (worker/ops/purge), so a cached tombstone
 *   may be gone there — a mutation touching one reads the record first;
 * - big spaces (over MAX_RECORDS / MAX_BYTES): only records written by this instance are kept,
 *   and a mutation touching any other record reads it first (today's path).
 */
export class WriteCache {
  /** The object's current D1 handle (its primary session of the moment). */
  readonly #d1: () => D1Like;
  #clients: Map<string, ClientState> | null = null;
  #records = new Map<string, CachedRecord>();
  /** True while `#records` holds every record of the space (an absent key is absent in D1). */
  #whole = false;
  #bytes = 0;
  #loaded: Promise<void> | null = null;

  constructor(d1: () => D1Like) {
    this.#d1 = d1;
  }

  /** Loads the space's clients and records from D1, once per instance and after a failure. */
  ready(spaceId: string): Promise<void> {
    this.#loaded ??= this.#load(spaceId).catch((error: unknown) => {
      this.#loaded = null;
      throw error;
    });
    return this.#loaded;
  }

  /** After a failed write D1 may hold what this cache does not (a lost response may hide a commit). */
  invalidate(): void {
    this.#loaded = null;
    this.#clients = null;
    this.#records.clear();
    this.#whole = false;
    this.#bytes = 0;
  }

  async #load(spaceId: string): Promise<void> {
    // Characters bound bytes from below; the byte count below catches the rest.
    const state = await loadWriteState(this.#d1(), spaceId, { records: MAX_RECORDS, chars: MAX_BYTES });
    this.#clients = state.clients;
    this.#records = state.records ?? new Map();
    this.#bytes = 0;
    for (const r of this.#records.values()) this.#bytes += r.bytes;
    this.#whole = state.records !== null && this.#bytes <= MAX_BYTES;
    if (!this.#whole) this.#drop();
  }

  /** Each pusher's client state as D1 holds it (null = no row yet), by `clientKey`. */
  async clients(
    spaceId: string,
    pushes: readonly { userId: string; clientId: string }[],
  ): Promise<Map<string, ClientState | null>> {
    await this.ready(spaceId);
    const out = new Map<string, ClientState | null>();
    for (const { userId, clientId } of pushes) {
      const key = clientKey(userId, clientId);
      out.set(key, this.#clients?.get(key) ?? null);
    }
    return out;
  }

  /**
   * The current state of the records `keys` name: from this cache, and from D1 (one read) only
   * for a cached tombstone or a record not held while the space is not held whole.
   */
  async records(
    spaceId: string,
    keys: readonly { collection: string; key: string }[],
  ): Promise<Map<string, StoredRecord>> {
    await this.ready(spaceId);
    const { records, unknown } = this.#lookup(keys);
    if (unknown.length)
      for (const [k, r] of (await loadRecords(this.#d1(), spaceId, unknown)).records) records.set(k, r);
    return records;
  }

  #lookup(keys: readonly { collection: string; key: string }[]): {
    records: Map<string, StoredRecord>;
    unknown: { collection: string; key: string }[];
  } {
    const records = new Map<string, StoredRecord>();
    const unknown: { collection: string; key: string }[] = [];
    for (const k of keys) {
      const rk = recordKey(k.collection, k.key);
      if (records.has(rk)) continue;
      const cached = this.#records.get(rk);
      if (cached && !cached.deleted) records.set(rk, cached);
      else if (!cached && this.#whole) continue;
      else unknown.push(k);
    }
    return { records, unknown };
  }

  /** D1 committed these writes and client ids: the cache follows. */
  committed(writes: readonly RecordWrite[], clients: readonly ClientUpdate[]): void {
    for (const c of clients) this.#clients?.set(clientKey(c.userId, c.clientId), { lastMutationId: c.to });
    for (const w of writes) {
      const rk = recordKey(w.collection, w.key);
      this.#bytes -= this.#records.get(rk)?.bytes ?? 0;
      const bytes = w.value === null ? 0 : jsonBytes(w.value);
      this.#records.set(rk, { version: w.version, deleted: w.deleted, value: w.value, bytes });
      this.#bytes += bytes;
    }
    if (this.#records.size > MAX_RECORDS || this.#bytes > MAX_BYTES) {
      this.#whole = false;
      this.#drop();
    }
  }

  /** Memory stays bounded: a space too big to hold keeps only what the next writes bring. */
  #drop(): void {
    this.#records = new Map();
    this.#bytes = 0;
  }
}
