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
  upsertMember,
  userExists,
  type SpaceRole,
} from "../worker/db/queries/sync-spaces";
import { planPush, type PushPlan } from "../worker/sync/plan";
import type { Mutation, MutationResult, PushResponse } from "../worker/sync/protocol";
import { SyncNotifier } from "./sync-notify";
import { SyncStore } from "./sync-store";

export interface PushRequest {
  spaceId: string;
  userId: string;
  deviceId: string | null;
  appVersion: string | undefined;
  clientId: string;
  mutations: Mutation[];
}

export type SyncFailureCode = "not_found" | "forbidden" | "mutation_gap" | "unavailable";
export interface SyncFailure {
  ok: false;
  error: SyncFailureCode;
  detail: string;
}
export interface PushSuccess extends PushResponse {
  ok: true;
}
export type PushOutcome = PushSuccess | SyncFailure;
export type ServerMutation = Omit<Mutation, "id">;
export type ServerMutateOutcome = { ok: true; version: number; results: MutationResult[] } | SyncFailure;
export type MemberOutcome = { ok: true; userId: string; role: Exclude<SpaceRole, "owner"> } | SyncFailure;

const fail = (error: SyncFailureCode, detail: string): SyncFailure => ({ ok: false, error, detail });
const DAY_MS = 86_400_000;

/** A stale cache or a lost D1 response: reload from D1 before trying again. */
class ClientOfAnotherUser extends Error {}

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

  async push(req: PushRequest): Promise<PushOutcome> {
    return this.#serial(async () => {
      await this.#ready(req.spaceId);
      const role = await this.#role(req.userId, req.spaceId);
      if (!role) return fail("not_found", "No such space");
      if (role === "viewer") return fail("forbidden", "Viewers may pull but not push");
      return this.#withRetry(() => this.#pushOnce(req));
    });
  }

  /** Server-side writes (admin actions, jobs): versioned and poked like any push, no client. */
  async serverMutate(spaceId: string, mutations: ServerMutation[]): Promise<ServerMutateOutcome> {
    return this.#serial(async () => {
      await this.#ready(spaceId);
      return this.#withRetry(async () => {
        const numbered = mutations.map((m, i) => ({ ...m, id: i + 1 }));
        const state = await loadPushState(this.env.DB, spaceId, null, numbered);
        const plan = planPush({
          mutations: numbered,
          lastMutationId: 0,
          version: this.#version,
          records: state.records,
          appVersion: undefined,
        });
        if (plan.kind !== "ok") return fail("unavailable", "unreachable");
        await this.#commit(spaceId, plan, undefined, null);
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
      this.#notify.forgetDevices();
      return { ok: true as const, userId, role };
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
        if (error instanceof ClientOfAnotherUser)
          return fail("forbidden", "This clientId belongs to another user");
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

  async #pushOnce(req: PushRequest): Promise<PushOutcome> {
    const known = this.#clients.get(req.clientId);
    if (known && known.userId !== req.userId) throw new ClientOfAnotherUser();
    if (known && req.mutations.every((m) => m.id <= known.lastMutationId)) {
      return { ok: true, lastMutationId: known.lastMutationId, version: this.#version, results: [] };
    }
    const pending = req.mutations.filter((m) => m.id > (known?.lastMutationId ?? 0));
    const state = await loadPushState(this.env.DB, req.spaceId, known ? null : req.clientId, pending);
    const client = known ?? state.client;
    if (client && client.userId !== req.userId) throw new ClientOfAnotherUser();
    if (client)
      this.#clients.set(req.clientId, { userId: client.userId, lastMutationId: client.lastMutationId });

    const last = client?.lastMutationId ?? 0;
    const plan = planPush({
      mutations: req.mutations,
      lastMutationId: last,
      version: this.#version,
      records: state.records,
      appVersion: req.appVersion,
    });
    if (plan.kind === "gap") {
      return fail("mutation_gap", `Expected mutation ${plan.expected} next, got ${plan.got}`);
    }
    if (plan.processed === 0) return { ok: true, lastMutationId: last, version: this.#version, results: [] };
    await this.#commit(
      req.spaceId,
      plan,
      {
        clientId: req.clientId,
        userId: req.userId,
        deviceId: req.deviceId,
        fromLastMutationId: client ? last : null,
        toLastMutationId: plan.lastMutationId,
      },
      req.deviceId,
    );
    return { ok: true, lastMutationId: plan.lastMutationId, version: this.#version, results: plan.results };
  }

  /** D1 first (data, versions and the client's last id in one transaction), then our own state. */
  async #commit(
    spaceId: string,
    plan: Extract<PushPlan, { kind: "ok" }>,
    client: Parameters<typeof commitStatements>[1]["client"],
    originDeviceId: string | null,
  ): Promise<void> {
    const now = Date.now();
    const from = this.#version;
    await this.env.DB.batch(
      commitStatements(this.env.DB, {
        spaceId,
        fromVersion: from,
        toVersion: plan.version,
        writes: plan.writes,
        client,
        now,
      }),
    );
    const crash = this.#crashAfterCommit;
    this.#crashAfterCommit = null;
    if (crash === "abort") this.ctx.abort("test: crash after the D1 commit");
    if (crash === "throw") throw new Error("test: failure after the D1 commit");
    this.#version = plan.version;
    if (client)
      this.#clients.set(client.clientId, { userId: client.userId, lastMutationId: client.toLastMutationId });
    this.ctx.storage.transactionSync(() => {
      this.#store.setMeta("version", plan.version);
      if (client)
        this.#store.saveClient(client.clientId, client.userId, client.deviceId, client.toLastMutationId, now);
      if (this.#store.getNumber("next_purge_at") === undefined)
        this.#store.setMeta("next_purge_at", now + DAY_MS);
    });
    if (plan.version > from) this.#notify.changed(plan.version, originDeviceId);
    else await this.#notify.schedule();
  }
}
