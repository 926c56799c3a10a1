import type { D1Like } from "../worker/db/client";
import { loadSpaceState, raiseSpaceVersion } from "../worker/sync/queries/records";
import { ensurePersonalSpace, loadMembers } from "../worker/sync/queries/spaces";
import { personalSpaceId, type SpaceRole } from "../worker/sync/spaces";
import type { SyncStore } from "./sync-store";

/**
 * What the SyncSpace object knows of D1 — the space's version, its members and roles — and which
 * space the object is bound to (the clients and records a write plans from: ./sync-records.ts). All of it is
 * rebuilt from D1 once per instance and again after any failed write (see `invalidate`).
 */
export class SpaceCache {
  /** The object's current D1 handle (its primary session of the moment). */
  readonly #d1: () => D1Like;
  readonly #store: SyncStore;
  #spaceId: string | null;
  #version: number;
  /** Members and roles as D1 last said; reloaded on a miss, updated by the member RPCs. */
  #members: Map<string, SpaceRole> | null = null;
  #loaded: Promise<void> | null = null;

  constructor(d1: () => D1Like, store: SyncStore) {
    this.#d1 = d1;
    this.#store = store;
    this.#spaceId = store.getMeta("space_id") ?? null;
    this.#version = store.getNumber("version") ?? 0;
  }

  get spaceId(): string | null {
    return this.#spaceId;
  }

  get version(): number {
    return this.#version;
  }

  /** Binds the object to its space (first call) and loads the cache from D1 (once per instance). */
  ready(spaceId: string): Promise<void> {
    if (this.#spaceId === null) {
      this.#spaceId = spaceId;
      this.#store.setMeta("space_id", spaceId);
    } else if (this.#spaceId !== spaceId) {
      throw new Error("SyncSpace called with another space's id");
    }
    this.#loaded ??= this.#load(spaceId).catch((error: unknown) => {
      this.#loaded = null;
      throw error;
    });
    return this.#loaded;
  }

  /** After a failed write the cache may be stale (a lost D1 response may even hide a commit). */
  invalidate(): void {
    this.#loaded = null;
  }

  async #load(spaceId: string): Promise<void> {
    const [state, members] = await Promise.all([
      loadSpaceState(this.#d1(), spaceId),
      loadMembers(this.#d1(), spaceId),
    ]);
    // D1 is the truth, and versions never go back: if ours is ahead (D1 restored from a backup),
    // D1 is raised to it so no version is handed out twice; the commit's guard then agrees.
    if (state && this.#version > state.version) await raiseSpaceVersion(this.#d1(), spaceId, this.#version);
    else this.#version = state?.version ?? this.#version;
    this.#store.setMeta("version", this.#version);
    this.#members = members;
  }

  /** The caller's role; a miss reloads from D1, and a user's own personal space is made on demand. */
  async role(userId: string, spaceId: string): Promise<SpaceRole | null> {
    const cached = this.#members?.get(userId);
    if (cached) return cached;
    this.#members = await loadMembers(this.#d1(), spaceId);
    const role = this.#members.get(userId);
    if (role) return role;
    if (spaceId !== personalSpaceId(userId)) return null;
    await ensurePersonalSpace(this.#d1(), userId);
    this.#members.set(userId, "owner");
    return "owner";
  }

  /** A member's role as cached (no reload): for checks that follow a `role()` call. */
  memberRole(userId: string): SpaceRole | undefined {
    return this.#members?.get(userId);
  }

  memberChanged(userId: string, role: SpaceRole | null): void {
    if (role) this.#members?.set(userId, role);
    else this.#members?.delete(userId);
  }

  /** D1 committed: the version moved. */
  committed(version: number): void {
    this.#version = version;
  }
}
