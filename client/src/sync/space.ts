import { Emitter } from "../emitter.js";
import type { OutpostError } from "../errors.js";
import type { Runner } from "./runner.js";
import type { SpaceStore } from "./store.js";
import type { Row, SpaceEvents, SpaceStatus, Value } from "./types.js";

/** `outpost.sync.space(id)`: one space's local data, edits and sync state. */
export class Space {
  /** @internal */
  readonly events = new Emitter<SpaceEvents>();
  private lastError: OutpostError | undefined;
  private syncing = false;

  /** @internal */
  constructor(
    /** @internal */ readonly store: SpaceStore,
    /** @internal */ readonly runner: Runner,
    private readonly online: () => boolean,
    private readonly schedulePush: () => void,
  ) {}

  get id(): string {
    return this.store.spaceId;
  }

  /** Replaces the record's value (optimistic, queued). */
  put(collection: string, key: string, value: Value): Promise<void> {
    return this.edit("put", collection, key, value);
  }

  /** Merges the given fields (`null` clears one), optimistic and queued. */
  patch(collection: string, key: string, fields: Value): Promise<void> {
    return this.edit("patch", collection, key, fields);
  }

  delete(collection: string, key: string): Promise<void> {
    return this.edit("delete", collection, key);
  }

  private async edit(op: "put" | "patch" | "delete", collection: string, key: string, value?: Value) {
    const changed = await this.store.enqueue(op, collection, key, value);
    if (changed.length) this.events.emit("change", { collections: changed });
    this.emitStatus();
    this.schedulePush();
  }

  /** Local state: the last pulled server value with pending edits replayed; undefined if none. */
  get(collection: string, key: string): Value | undefined {
    return this.store.view.get(collection, key);
  }

  /** Every record of a collection, `[{ key, value }]` in key order. Treat the result as read-only. */
  list(collection: string): Row[] {
    return this.store.view.list(collection);
  }

  /** Calls `listener` with the list now and after every change of the collection; returns stop. */
  watch(collection: string, listener: (rows: Row[]) => void): () => void {
    listener(this.list(collection));
    return this.events.on("change", ({ collections }) => {
      if (collections.includes(collection)) listener(this.list(collection));
    });
  }

  /** Pushes everything pending, then pulls to current; rejects if the network or server fails. */
  flush(): Promise<void> {
    return this.runner.kick(true, true);
  }

  get status(): SpaceStatus {
    const s: SpaceStatus = {
      pending: this.store.pending.length,
      version: this.store.meta.cursor,
      online: this.online(),
      syncing: this.syncing,
    };
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  on<K extends "rejected" | "conflict" | "status" | "change">(
    event: K,
    listener: (payload: SpaceEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  /** @internal */
  setState(state: { syncing: boolean; error?: OutpostError | null }): void {
    this.syncing = state.syncing;
    if (state.error === null) this.lastError = undefined;
    else if (state.error) this.lastError = state.error;
    this.emitStatus();
  }

  /** @internal */
  emitStatus(): void {
    this.events.emit("status", this.status);
  }
}
