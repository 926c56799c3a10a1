import { DurableObject } from "cloudflare:workers";
import {
  commitStatements,
  loadPushState,
  loadSpaceState,
  purgeTombstones,
  raiseSpaceVersion,
} from "../worker/db/queries/sync-records";
import {
  ensurePersonalSpace,
  loadMembers,
  personalSpaceId,
  removeMember,
  upsertMember,
  userExists,
  type SpaceRole,
} from "../worker/db/queries/sync-spaces";
import { planGroup, type ClientState, type ClientUpdate } from "../worker/sync/group";
import { planPush, type RecordWrite } from "../worker/sync/plan";
import { SyncNotifier } from "./sync-notify";
import { SyncStore } from "./sync-store";
import {
  fail,
  unavailable,
  type MemberOutcome,
  type PushOutcome,
  type PushRequest,
  type RemoveOutcome,
  type ServerMutateOutcome,
  type ServerMutation,
  type SyncFailure,
} from "./sync-types";

export type {
  MemberOutcome,
  PushOutcome,
  PushRequest,
  PushSuccess,
  RemoveOutcome,
  ServerMutateOutcome,
  ServerMutation,
  SyncFailure,
  SyncFailureCode,
} from "./sync-types";

const DAY_MS = 86_400_000;

interface QueuedPush {
  req: PushRequest;
  resolve: (outcome: PushOutcome) => void;
}

/** At most this much is planned and committed together (D1 batch and parameter limits). */
const MAX_GROUP_REQUESTS = 50;
const MAX_GROUP_MUTATIONS = 1000;

/**
 * One object per sync space: the single writer of the space's synced tables, so it alone hands
 * out the space's version. D1 holds the data and each client's last mutation id (committed
 * together); this object holds sync state — a cached version, the client registry, members and
 * roles, sockets, silent-push bookkeeping and the purge schedule — all rebuildable from D1.
 */
export class SyncSpace extends DurableObject<Env> {
  readonly #store: SyncStore;
  readonly #notify: SyncNotifier;
  #spaceId: string | null;
  #version = 0;
  /** Members and roles as D1 last said; reloaded on a miss, updated by setMember. */
  #members: Map<string, SpaceRole> | null = null;
  /** Clients whose row this instance has read from (or committed to) D1. */
  readonly #clients = new Map<string, { userId: string; lastMutationId: number }>();
  #loaded: Promise<void> | null = null;
  /** Writes run one at a time: awaiting D1 would otherwise let another request in between. */
  #tail: Promise<unknown> = Promise.resolve();
  #crashAfterCommit: "abort" | "throw" | null = null;
  readonly #pushQueue: QueuedPush[] = [];
  #draining = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new SyncStore(ctx.storage.sql);
    this.#spaceId = this.#store.getMeta("space_id") ?? null;
    this.#version = this.#store.getNumber("version") ?? 0;
    this.#notify = new SyncNotifier(ctx, env, this.#store, () => this.#spaceId);
    // Keep-alives are answered by the runtime, so a hibernating object is not woken for them.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    // After a restart the cached version may trail D1 (the object died after a commit and before
    // its own write): rebuild from D1 before serving anything.
    const spaceId = this.#spaceId;
    if (spaceId) ctx.blockConcurrencyWhile(() => this.#ready(spaceId).catch(() => undefined));
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /**
   * Pushes queue up while a commit is in flight and are then committed together (group commit):
   * planned one after the other in arrival order, exactly as if each ran alone, in one D1 batch.
   */
  async push(req: PushRequest): Promise<PushOutcome> {
    const done = new Promise<PushOutcome>((resolve) => this.#pushQueue.push({ req, resolve }));
    this.#drainSoon();
    return done;
  }

  /** Server-side writes (admin actions, jobs): versioned and poked like any push, no client. */
  async serverMutate(spaceId: string, mutations: ServerMutation[]): Promise<ServerMutateOutcome> {
    return this.#serial(async () => {
      await this.#ready(spaceId);
      return this.#withRetry(async () => {
        const numbered = mutations.map((m, i) => ({ ...m, id: i + 1 }));
        const state = await loadPushState(this.env.DB, spaceId, [], numbered);
        const plan = planPush({
          mutations: numbered,
          lastMutationId: 0,
          version: this.#version,
          records: state.records,
          appVersion: undefined,
        });
        if (plan.kind !== "ok") return fail("unavailable", "unreachable");
        if (plan.writes.length) {
          await this.#commit(spaceId, plan.version, plan.writes, []);
          this.#notify.poke(this.#version);
          this.#notify.wake(this.#version, new Set());
        }
        return { ok: true as const, version: this.#version, results: plan.results };
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
      await this.#ready(spaceId);
      const actorRole = await this.#role(actorUserId, spaceId);
      if (!actorRole) return fail("not_found", "No such space");
      if (actorRole !== "owner") return fail("forbidden", "Only the owner manages members");
      if (spaceId.startsWith("p_")) return fail("forbidden", "A personal space cannot be shared");
      if (this.#members?.get(userId) === "owner") return fail("forbidden", "The owner's role cannot change");
      if (!(await userExists(this.env.DB, userId))) return fail("not_found", "No such user");
      await upsertMember(this.env.DB, spaceId, userId, role);
      this.#members?.set(userId, role);
      return { ok: true as const, userId, role };
    });
  }

  /**
   * Removes a member: the owner may remove anyone else, any member may remove themselves (leave).
   * Their sockets close at once (4003) and their devices stop getting background pushes.
   */
  async removeMember(spaceId: string, actorUserId: string, userId: string): Promise<RemoveOutcome> {
    return this.#serial(async () => {
      await this.#ready(spaceId);
      const actorRole = await this.#role(actorUserId, spaceId);
      if (!actorRole) return fail("not_found", "No such space");
      if (actorUserId !== userId && actorRole !== "owner")
        return fail("forbidden", "Only the owner removes others");
      const role = this.#members?.get(userId);
      if (!role) return fail("not_found", "No such member");
      if (role === "owner") return fail("forbidden", "The owner cannot leave or be removed");
      await removeMember(this.env.DB, spaceId, userId);
      this.#members?.delete(userId);
      this.#notify.disconnectUser(userId);
      return { ok: true as const };
    });
  }

  /** Purges tombstones older than the retention period; returns how many. The alarm calls it daily. */
  async purgeTombstones(spaceId: string, now = Date.now()): Promise<number> {
    return this.#serial(async () => {
      await this.#ready(spaceId);
      const days = Number(this.env.TOMBSTONE_RETENTION_DAYS);
      const retention = (Number.isFinite(days) && days >= 0 ? days : 30) * DAY_MS;
      return purgeTombstones(this.env.DB, spaceId, now - retention);
    });
  }

  /** The object's view, for tests and diagnostics. */
  async inspect(): Promise<{ spaceId: string | null; version: number; clients: number; sockets: number }> {
    return {
      spaceId: this.#spaceId,
      version: this.#version,
      clients: this.#store.clientCount(),
      sockets: this.ctx.getWebSockets().length,
    };
  }

  /**
   * Test hook: the next commit fails after D1 committed and before the object's own write —
   * `abort` kills the object (a restart), `throw` leaves it running with a stale cache (as after
   * a D1 response lost on the way back).
   */
  async armCrashAfterCommit(mode: "abort" | "throw" = "abort"): Promise<void> {
    this.#crashAfterCommit = mode;
  }

  // ---- sockets and alarms ------------------------------------------------------------------

  /** WebSocket upgrades, forwarded by the Worker after it verified the token (see routes/sync.ts). */
  override async fetch(request: Request): Promise<Response> {
    const spaceId = request.headers.get("X-Outpost-Space");
    const userId = request.headers.get("X-Outpost-User");
    if (!spaceId || !userId) return new Response(null, { status: 400 });
    await this.#ready(spaceId);
    if (!(await this.#role(userId, spaceId))) return new Response(null, { status: 404 });
    return this.#notify.accept(userId, request.headers.get("X-Outpost-Device"), this.#version);
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
    const spaceId = this.#spaceId;
    if (!spaceId) return;
    await this.#ready(spaceId);
    const now = Date.now();
    await this.#notify.sendOwed(this.#version, now);
    const nextPurge = this.#store.getNumber("next_purge_at");
    if (nextPurge !== undefined && nextPurge <= now) {
      await this.purgeTombstones(spaceId, now);
      this.#store.setMeta("next_purge_at", now + DAY_MS);
    }
    await this.#notify.schedule();
  }

  // ---- internals ---------------------------------------------------------------------------

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Binds the object to its space (first call) and loads the cache from D1 (once per instance). */
  #ready(spaceId: string): Promise<void> {
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

  async #load(spaceId: string): Promise<void> {
    const [state, members] = await Promise.all([
      loadSpaceState(this.env.DB, spaceId),
      loadMembers(this.env.DB, spaceId),
    ]);
    // D1 is the truth, and versions never go back: if ours is ahead (D1 restored from a backup),
    // D1 is raised to it so no version is handed out twice; the commit's guard then agrees.
    if (state && this.#version > state.version) await raiseSpaceVersion(this.env.DB, spaceId, this.#version);
    else this.#version = state?.version ?? this.#version;
    this.#store.setMeta("version", this.#version);
    this.#members = members;
    this.#clients.clear();
  }

  /** The caller's role; a miss reloads from D1, and a user's own personal space is made on demand. */
  async #role(userId: string, spaceId: string): Promise<SpaceRole | null> {
    const cached = this.#members?.get(userId);
    if (cached) return cached;
    this.#members = await loadMembers(this.env.DB, spaceId);
    const role = this.#members.get(userId);
    if (role) return role;
    if (spaceId !== personalSpaceId(userId)) return null;
    await ensurePersonalSpace(this.env.DB, userId);
    this.#members.set(userId, "owner");
    return "owner";
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
        console.error(
          JSON.stringify({
            level: "warn",
            message: "sync write failed; reloading from D1",
            spaceId: this.#spaceId,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
        this.#loaded = null;
        if (tries >= 1 || !this.#spaceId) return fail("unavailable", "Try again shortly");
        try {
          await this.#ready(this.#spaceId);
        } catch {
          return fail("unavailable", "Try again shortly");
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

  /** Takes the queued pushes (bounded), checks roles, commits them as one group. */
  async #drain(): Promise<void> {
    const group: QueuedPush[] = [];
    let mutations = 0;
    while (this.#pushQueue.length && group.length < MAX_GROUP_REQUESTS) {
      const next = this.#pushQueue[0];
      if (!next || (group.length && mutations + next.req.mutations.length > MAX_GROUP_MUTATIONS)) break;
      group.push(next);
      mutations += next.req.mutations.length;
      this.#pushQueue.shift();
    }
    const admitted: QueuedPush[] = [];
    try {
      for (const item of group) {
        await this.#ready(item.req.spaceId);
        const role = await this.#role(item.req.userId, item.req.spaceId);
        if (!role) item.resolve(fail("not_found", "No such space"));
        else if (role === "viewer") item.resolve(fail("forbidden", "Viewers may pull but not push"));
        else admitted.push(item);
      }
      if (!admitted.length) return;
      const outcome = await this.#withRetry(() => this.#commitGroup(admitted.map((i) => i.req)));
      admitted.forEach((item, i) =>
        item.resolve(Array.isArray(outcome) ? (outcome[i] ?? unavailable()) : outcome),
      );
    } catch {
      for (const item of group) item.resolve(unavailable());
    }
  }

  async #commitGroup(requests: PushRequest[]): Promise<PushOutcome[]> {
    const spaceId = this.#spaceId ?? "";
    const unknown = requests.map((r) => r.clientId).filter((id) => !this.#clients.has(id));
    const keys = requests.flatMap((r) => {
      const last = this.#clients.get(r.clientId)?.lastMutationId ?? 0;
      return r.mutations.filter((m) => m.id > last);
    });
    const state =
      unknown.length || keys.length
        ? await loadPushState(this.env.DB, spaceId, unknown, keys)
        : { clients: new Map<string, ClientState>(), records: new Map() };
    const clients = new Map<string, ClientState | null>();
    for (const r of requests) {
      const row = this.#clients.get(r.clientId) ?? state.clients.get(r.clientId) ?? null;
      clients.set(r.clientId, row);
      if (row) this.#clients.set(r.clientId, row);
    }
    const plan = planGroup({ requests, clients, records: state.records, version: this.#version });
    if (plan.clients.length) await this.#commit(spaceId, plan.version, plan.writes, plan.clients);
    const origins = new Set<string>();
    requests.forEach((r, i) => {
      const o = plan.outcomes[i];
      if (o?.kind === "ok" && o.changed && r.deviceId) origins.add(r.deviceId);
    });
    if (plan.writes.length) {
      this.#notify.poke(this.#version);
      this.#notify.wake(this.#version, origins);
    }
    return plan.outcomes.map((o): PushOutcome => {
      if (o.kind === "forbidden") return fail("forbidden", "This clientId belongs to another user");
      if (o.kind === "gap") return fail("mutation_gap", `Expected mutation ${o.expected} next, got ${o.got}`);
      return { ok: true, lastMutationId: o.lastMutationId, version: o.version, results: o.results };
    });
  }

  /** D1 first (data, versions and the clients' last ids in one transaction), then our own state. */
  async #commit(
    spaceId: string,
    version: number,
    writes: RecordWrite[],
    clients: ClientUpdate[],
  ): Promise<void> {
    const now = Date.now();
    await this.env.DB.batch(
      commitStatements(this.env.DB, {
        spaceId,
        fromVersion: this.#version,
        toVersion: version,
        writes,
        clients,
        now,
      }),
    );
    const crash = this.#crashAfterCommit;
    this.#crashAfterCommit = null;
    if (crash === "abort") this.ctx.abort("test: crash after the D1 commit");
    if (crash === "throw") throw new Error("test: failure after the D1 commit");
    this.#version = version;
    for (const c of clients) this.#clients.set(c.clientId, { userId: c.userId, lastMutationId: c.to });
    this.ctx.storage.transactionSync(() => {
      this.#store.setMeta("version", version);
      for (const c of clients) this.#store.saveClient(c.clientId, c.userId, c.deviceId, c.to, now);
      if (this.#store.getNumber("next_purge_at") === undefined)
        this.#store.setMeta("next_purge_at", now + DAY_MS);
    });
    await this.#notify.schedule();
  }
}
