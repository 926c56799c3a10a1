import { DurableObject } from "cloudflare:workers";
import { CountedSession, newerBookmark } from "../worker/db/counted-session";
import {
  changedOrigins,
  pendingMutations,
  planGroup,
  syncPushOutcome,
  takeGroup,
  withOwnedDevices,
  type GroupPlan,
} from "../worker/sync/group";
import { planServerWrite } from "../worker/sync/plan";
import { PURGE_INTERVAL_MS, tombstoneCutoff } from "../worker/sync/purge";
import { commitGroup, purgeTombstones, type Committed } from "../worker/sync/queries/records";
import { removeMember, upsertMember, userExists } from "../worker/sync/queries/spaces";
import { logWriteFailure } from "../worker/sync/failures";
import {
  fail,
  readSocketHeaders,
  unavailable,
  type MemberOutcome,
  type PushRequest,
  type RemoveOutcome,
  type ServerMutateOutcome,
  type ServerMutation,
  type SyncFailure,
  type SyncPushOutcome,
} from "../worker/sync/space-rpc";
import {
  memberChangeRefusal,
  memberRemovalRefusal,
  pushRefusal,
  type SpaceRole,
} from "../worker/sync/spaces";
import { SpaceCache } from "./sync-cache";
import { SyncNotifier } from "./sync-notify";
import { WriteCache } from "./sync-records";
import { SyncStore } from "./sync-store";

interface QueuedPush {
  req: PushRequest;
  resolve: (outcome: SyncPushOutcome) => void;
}

/**
 * One object per sync space: the single writer of the space's synced tables, so it alone hands
 * out the space's version. D1 holds the data and each client's last mutation id (committed
 * together); this object holds sync state — a cached version, the client registry, members and
 * roles, sockets, silent-push bookkeeping and the purge schedule — all rebuildable from D1.
 * The decisions (planning, grouping, who may do what) are pure functions in worker/sync/.
 *
 * Every unit of work (a push group, a member change, a purge) runs in a fresh `first-primary` D1
 * session of its own: its reads see every write made before it (a space a route just created, a
 * device just registered), its commit's bookmark goes out with the push responses, pokes and
 * silent pushes, and its round trips are counted for the push responses' `Server-Timing`.
 */
export class SyncSpace extends DurableObject<Env> {
  readonly #store: SyncStore;
  readonly #cache: SpaceCache;
  readonly #notify: SyncNotifier;
  readonly #writes: WriteCache;
  /** The current unit of work's primary session (replaced by `#serial`; see the class comment). */
  #d1: CountedSession;
  /** A unit of work is running in `#d1` (its round trips are being counted for its pushes). */
  #inUnit = false;
  /** Writes run one at a time: awaiting D1 would otherwise let another request in between. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #pushQueue: QueuedPush[] = [];
  #draining = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#d1 = new CountedSession(env.DB, "first-primary");
    this.#store = new SyncStore(ctx.storage.sql);
    this.#cache = new SpaceCache(() => this.#d1, this.#store);
    this.#notify = new SyncNotifier(ctx, env, this.#store, () => this.#cache.spaceId);
    this.#writes = new WriteCache(() => this.#d1);
    // Keep-alives are answered by the runtime, so a hibernating object is not woken for them.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    // After a restart the cached version may trail D1 (the object died after a commit and before
    // its own write): rebuild from D1 before serving anything. The bookmark of that read is where
    // the version was seen, so a socket's first poke can name it.
    const spaceId = this.#cache.spaceId;
    if (spaceId)
      ctx.blockConcurrencyWhile(async () => {
        await this.#cache.ready(spaceId).catch(() => undefined);
        const seen = newerBookmark(this.#store.getMeta("bookmark"), this.#d1.getBookmark());
        if (seen) this.#store.setMeta("bookmark", seen);
      });
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /**
   * Pushes queue up while a commit is in flight and are then committed together (group commit):
   * planned one after the other in arrival order, exactly as if each ran alone, in one D1 batch.
   */
  async push(req: PushRequest): Promise<SyncPushOutcome> {
    const done = new Promise<SyncPushOutcome>((resolve) => this.#pushQueue.push({ req, resolve }));
    this.#drainSoon();
    return done;
  }

  /** Server-side writes (admin actions, jobs): versioned and poked like any push, no client. */
  async serverMutate(spaceId: string, mutations: ServerMutation[]): Promise<ServerMutateOutcome> {
    return this.#serial(async () => {
      await this.#cache.ready(spaceId);
      return this.#withRetry(async () => {
        const records = await this.#writes.records(spaceId, mutations);
        const plan = planServerWrite(mutations, this.#cache.version, records);
        if (plan.writes.length) {
          const { devices, bookmark } = await this.#commit(spaceId, { ...plan, clients: [] });
          this.#notify.poke(this.#cache.version, bookmark);
          this.#notify.wake(this.#cache.version, bookmark, new Set(), devices);
        }
        return { ok: true as const, version: this.#cache.version, results: plan.results };
      });
    });
  }

  /** Adds a member or changes a member's role. Only the owner may; the owner's role is fixed. */
  async setMember(
    spaceId: string,
    actorUserId: string,
    userId: string,
    role: Exclude<SpaceRole, "owner">,
  ): Promise<MemberOutcome> {
    return this.#serial(async () => {
      await this.#cache.ready(spaceId);
      const actorRole = await this.#cache.role(actorUserId, spaceId);
      const refusal = memberChangeRefusal({ spaceId, actorRole, targetRole: this.#cache.memberRole(userId) });
      if (refusal) return refusal;
      if (!(await userExists(this.#d1, userId))) return fail("not_found", "No such user");
      await upsertMember(this.#d1, spaceId, userId, role);
      this.#cache.memberChanged(userId, role);
      return { ok: true as const, userId, role };
    });
  }

  /**
   * Removes a member: the owner may remove anyone else, any member may remove themselves (leave).
   * Their sockets close at once (4003) and their devices stop getting background pushes.
   */
  async removeMember(spaceId: string, actorUserId: string, userId: string): Promise<RemoveOutcome> {
    return this.#serial(async () => {
      await this.#cache.ready(spaceId);
      const actorRole = await this.#cache.role(actorUserId, spaceId);
      const targetRole = this.#cache.memberRole(userId);
      const refusal = memberRemovalRefusal({ actorUserId, userId, actorRole, targetRole });
      if (refusal) return refusal;
      await removeMember(this.#d1, spaceId, userId);
      this.#cache.memberChanged(userId, null);
      this.#notify.disconnectUser(userId);
      return { ok: true as const };
    });
  }

  /** Purges tombstones older than the retention period; returns how many. The alarm calls it daily. */
  async purgeTombstones(spaceId: string, now = Date.now()): Promise<number> {
    return this.#serial(async () => {
      await this.#cache.ready(spaceId);
      return purgeTombstones(this.#d1, spaceId, tombstoneCutoff(this.env.TOMBSTONE_RETENTION_DAYS, now));
    });
  }

  // ---- sockets and alarms ------------------------------------------------------------------

  /** WebSocket upgrades, forwarded by the Worker after it verified the token (see routes/sync.ts). */
  override async fetch(request: Request): Promise<Response> {
    const upgrade = readSocketHeaders(request.headers);
    if (!upgrade) return new Response(null, { status: 400 });
    const { spaceId, owner } = upgrade;
    this.#freshSession();
    await this.#cache.ready(spaceId);
    if (!(await this.#cache.role(owner.userId, spaceId))) return new Response(null, { status: 404 });
    const bookmark = newerBookmark(this.#store.getMeta("bookmark"), this.#d1.getBookmark());
    const res = this.#notify.accept(owner, this.#cache.version, bookmark);
    await this.#notify.schedule(); // the session check, now that a socket is open
    return res;
  }

  /** Apps only listen; `{"type":"ping"}` is answered by the runtime without waking us. */
  override async webSocketMessage(_ws: WebSocket, _message: string | ArrayBuffer): Promise<void> {}

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.#notify.closed(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#notify.closed(ws, 1011, "error");
  }

  override async alarm(): Promise<void> {
    const spaceId = this.#cache.spaceId;
    if (!spaceId) return;
    this.#freshSession();
    await this.#cache.ready(spaceId);
    const now = Date.now();
    await this.#notify.closeEndedSessions(now);
    await this.#notify.sendOwed(this.#cache.version, this.#store.getMeta("bookmark") ?? null, now);
    const nextPurge = this.#store.getNumber("next_purge_at");
    if (nextPurge !== undefined && nextPurge <= now) {
      await this.purgeTombstones(spaceId, now);
      this.#store.setMeta("next_purge_at", now + PURGE_INTERVAL_MS);
    }
    await this.#notify.schedule();
  }

  // ---- internals ---------------------------------------------------------------------------

  /**
   * Work outside the queue (a socket's role check, the alarm) reads in a fresh primary session too,
   * so it sees a space or membership written since the last unit — unless a unit is running, whose
   * session is recent and whose counts would otherwise be split.
   */
  #freshSession(): void {
    if (!this.#inUnit) this.#d1 = new CountedSession(this.env.DB, "first-primary");
  }

  /** Runs `work` after every earlier one, in a fresh primary session of its own. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const unit = async () => {
      this.#d1 = new CountedSession(this.env.DB, "first-primary");
      this.#inUnit = true;
      try {
        return await work();
      } finally {
        this.#inUnit = false;
      }
    };
    const run = this.#tail.then(unit, unit);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs a write; on any failure the caches may be stale (a lost D1 response may even hide a
   * commit), so they are rebuilt from D1 and the write is planned again, once. The commit's
   * compare-and-swap guards make the second attempt safe whatever the first did.
   */
  async #withRetry<T>(attempt: () => Promise<T | SyncFailure>): Promise<T | SyncFailure> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        logWriteFailure(this.#cache.spaceId, error);
        this.#cache.invalidate();
        this.#writes.invalidate();
        const spaceId = this.#cache.spaceId;
        if (tries >= 1 || !spaceId) return unavailable();
        try {
          await this.#cache.ready(spaceId);
        } catch {
          return unavailable();
        }
      }
    }
  }

  #drainSoon(): void {
    if (this.#draining) return;
    this.#draining = true;
    void this.#serial(async () => {
      try {
        await this.#drain();
      } finally {
        this.#draining = false;
        if (this.#pushQueue.length) this.#drainSoon();
      }
    });
  }

  /**
   * Takes the queued pushes (bounded), checks roles, commits them as one group. Every outcome
   * carries the group's D1 work (one session: role checks, any reload, the commit) and its
   * commit's bookmark.
   */
  async #drain(): Promise<void> {
    const group = takeGroup(this.#pushQueue);
    const admitted: QueuedPush[] = [];
    try {
      for (const item of group) {
        await this.#cache.ready(item.req.spaceId);
        const refusal = pushRefusal(await this.#cache.role(item.req.userId, item.req.spaceId));
        if (refusal) item.resolve(refusal);
        else admitted.push(item);
      }
      if (!admitted.length) return;
      const outcome = await this.#withRetry(() => this.#commitGroup(admitted.map((i) => i.req)));
      const d1 = this.#d1.work(admitted.length);
      admitted.forEach((item, i) =>
        item.resolve({ ...(Array.isArray(outcome) ? (outcome[i] ?? unavailable()) : outcome), d1 }),
      );
    } catch {
      for (const item of group) item.resolve(unavailable());
    }
  }

  /** Plans the group from the write cache (no read unless it must), then commits it: one round trip. */
  async #commitGroup(pushes: PushRequest[]): Promise<SyncPushOutcome[]> {
    const spaceId = this.#cache.spaceId ?? "";
    const clients = await this.#writes.clients(spaceId, pushes);
    const records = await this.#writes.records(spaceId, pendingMutations(pushes, clients));
    const plan = planGroup({ requests: pushes, clients, records, version: this.#cache.version });
    const { owned, devices, bookmark } = await this.#commit(spaceId, plan);
    if (plan.writes.length) {
      this.#notify.poke(this.#cache.version, bookmark);
      const origins = changedOrigins(withOwnedDevices(pushes, owned), plan.outcomes);
      this.#notify.wake(this.#cache.version, bookmark, origins, devices);
    }
    return plan.outcomes.map(syncPushOutcome);
  }

  /**
   * D1 first (data, versions, clients' last ids: one transaction, one round trip), then our state.
   * Returns what the commit read back and its bookmark: the database position of the change.
   */
  async #commit(
    spaceId: string,
    plan: Pick<GroupPlan, "version" | "writes" | "clients">,
  ): Promise<Committed & { bookmark: string | null }> {
    const { version: toVersion, writes, clients } = plan;
    // All retries or gaps: nothing to commit (the session's bookmark is where its reads were).
    if (!clients.length && !writes.length) return { owned: new Set(), devices: [], bookmark: null };
    const now = Date.now();
    const fromVersion = this.#cache.version;
    const committed = await commitGroup(this.#d1, {
      spaceId,
      fromVersion,
      toVersion,
      writes,
      clients,
      now,
    });
    const bookmark = this.#d1.getBookmark();
    this.afterD1Commit();
    this.#cache.committed(toVersion);
    this.#writes.committed(writes, clients);
    this.ctx.storage.transactionSync(() =>
      this.#store.committed(toVersion, clients, committed.owned, now, bookmark),
    );
    await this.#notify.schedule();
    return { ...committed, bookmark };
  }

  /**
   * A seam between D1's commit and the object's own write, where a crash is the hard case (the
   * test subclass injects one here); nothing happens in production.
   */
  protected afterD1Commit(): void {}
}
