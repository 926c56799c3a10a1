import { DurableObject } from "cloudflare:workers";
import { newerBookmark } from "../worker/db/counted-session";
import {
  changedOrigins,
  pendingMutations,
  planGroup,
  syncPushOutcome,
  withOwnedDevices,
  type GroupPlan,
} from "../worker/sync/group";
import { planServerWrite } from "../worker/sync/plan";
import { PURGE_INTERVAL_MS, tombstoneCutoff } from "../worker/sync/purge";
import { commitGroup, purgeTombstones, type Committed } from "../worker/sync/queries/records";
import { removeMember, upsertMember, userExists } from "../worker/sync/queries/spaces";
import {
  fail,
  readSocketHeaders,
  unavailable,
  type MemberOutcome,
  type PushRequest,
  type RemoveOutcome,
  type ServerMutateOutcome,
  type ServerMutation,
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
import { PushQueue, type QueuedPush } from "./sync-push-queue";
import { withRetry } from "./sync-retry";
import { SyncStore } from "./sync-store";
import { SyncUnits } from "./sync-units";

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
  /** Writes one at a time, each in its own primary session (`#units.session`; see the class comment). */
  readonly #units: SyncUnits;
  readonly #pushes: PushQueue;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#units = new SyncUnits(env.DB);
    this.#pushes = new PushQueue(this.#units, (group) => this.#commitPushes(group));
    this.#store = new SyncStore(ctx.storage.sql);
    this.#cache = new SpaceCache(() => this.#units.session, this.#store);
    this.#notify = new SyncNotifier(ctx, env, this.#store, () => this.#cache.spaceId);
    this.#writes = new WriteCache(() => this.#units.session);
    // Keep-alives are answered by the runtime, so a hibernating object is not woken for them.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    // After a restart the cached version may trail D1 (the object died after a commit and before
    // its own write): rebuild from D1 before serving anything. The bookmark of that read is where
    // the version was seen, so a socket's first poke can name it.
    const spaceId = this.#cache.spaceId;
    if (spaceId)
      ctx.blockConcurrencyWhile(async () => {
        await this.#cache.ready(spaceId).catch(() => undefined);
        const seen = newerBookmark(this.#store.getMeta("bookmark"), this.#units.session.getBookmark());
        if (seen) this.#store.setMeta("bookmark", seen);
      });
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /**
   * Pushes queue up while a commit is in flight and are then committed together (group commit):
   * planned one after the other in arrival order, exactly as if each ran alone, in one D1 batch.
   */
  async push(req: PushRequest): Promise<SyncPushOutcome> {
    return this.#pushes.push(req);
  }

  /** Server-side writes (admin actions, jobs): versioned and poked like any push, no client. */
  async serverMutate(spaceId: string, mutations: ServerMutation[]): Promise<ServerMutateOutcome> {
    return this.#units.serial(async () => {
      await this.#cache.ready(spaceId);
      return withRetry({ cache: this.#cache, writes: this.#writes }, async () => {
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
    return this.#units.serial(async () => {
      await this.#cache.ready(spaceId);
      const actorRole = await this.#cache.role(actorUserId, spaceId);
      const refusal = memberChangeRefusal({ spaceId, actorRole, targetRole: this.#cache.memberRole(userId) });
      if (refusal) return refusal;
      if (!(await userExists(this.#units.session, userId))) return fail("not_found", "No such user");
      await upsertMember(this.#units.session, spaceId, userId, role);
      this.#cache.memberChanged(userId, role);
      return { ok: true as const, userId, role };
    });
  }

  /**
   * Removes a member: the owner may remove anyone else, any member may remove themselves (leave).
   * Their sockets close at once (4003) and their devices stop getting background pushes.
   */
  async removeMember(spaceId: string, actorUserId: string, userId: string): Promise<RemoveOutcome> {
    return this.#units.serial(async () => {
      await this.#cache.ready(spaceId);
      const actorRole = await this.#cache.role(actorUserId, spaceId);
      const targetRole = this.#cache.memberRole(userId);
      const refusal = memberRemovalRefusal({ actorUserId, userId, actorRole, targetRole });
      if (refusal) return refusal;
      await removeMember(this.#units.session, spaceId, userId);
      this.#cache.memberChanged(userId, null);
      this.#notify.disconnectUser(userId);
      return { ok: true as const };
    });
  }

  /** Purges tombstones older than the retention period; returns how many. The alarm calls it daily. */
  async purgeTombstones(spaceId: string, now = Date.now()): Promise<number> {
    return this.#units.serial(async () => {
      await this.#cache.ready(spaceId);
      return purgeTombstones(
        this.#units.session,
        spaceId,
        tombstoneCutoff(this.env.TOMBSTONE_RETENTION_DAYS, now),
      );
    });
  }

  // ---- sockets and alarms ------------------------------------------------------------------

  /** WebSocket upgrades, forwarded by the Worker after it verified the token (see routes/sync.ts). */
  override async fetch(request: Request): Promise<Response> {
    const upgrade = readSocketHeaders(request.headers);
    if (!upgrade) return new Response(null, { status: 400 });
    const { spaceId, owner } = upgrade;
    this.#units.fresh();
    await this.#cache.ready(spaceId);
    if (!(await this.#cache.role(owner.userId, spaceId))) return new Response(null, { status: 404 });
    const bookmark = newerBookmark(this.#store.getMeta("bookmark"), this.#units.session.getBookmark());
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
    this.#units.fresh();
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
   * Checks the roles of a group of queued pushes and commits them as one. Every outcome
   * carries the group's D1 work (one session: role checks, any reload, the commit) and its
   * commit's bookmark.
   */
  async #commitPushes(group: QueuedPush[]): Promise<void> {
    const admitted: QueuedPush[] = [];
    try {
      for (const item of group) {
        await this.#cache.ready(item.req.spaceId);
        const refusal = pushRefusal(await this.#cache.role(item.req.userId, item.req.spaceId));
        if (refusal) item.resolve(refusal);
        else admitted.push(item);
      }
      if (!admitted.length) return;
      const outcome = await withRetry({ cache: this.#cache, writes: this.#writes }, () =>
        this.#commitGroup(admitted.map((i) => i.req)),
      );
      const d1 = this.#units.session.work(admitted.length);
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
    const committed = await commitGroup(this.#units.session, {
      spaceId,
      fromVersion,
      toVersion,
      writes,
      clients,
      now,
    });
    const bookmark = this.#units.session.getBookmark();
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
