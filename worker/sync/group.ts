import type { StoredRecord } from "./merge";
import { planPush, recordKey, type RecordWrite } from "./plan";
import type { MutationResult, SpaceMutation } from "./protocol";
import { fail, type SyncPushOutcome } from "./space-rpc";

/**
 * Group commit: pushes that queued up while the previous commit was in flight are planned one
 * after the other, exactly as if they had run alone in that order, and committed in one D1
 * batch. Same results as one by one; one D1 round trip per group (the object keeps the inputs).
 */
export interface GroupRequest {
  clientId: string;
  userId: string;
  deviceId: string | null;
  appVersion: string | undefined;
  mutations: readonly SpaceMutation[];
}

export interface ClientState {
  lastMutationId: number;
}

/**
 * Client ids are scoped per user (v1.1): a client is (user, client id), so a member who uses
 * another member's client id string gets a client of their own. NUL appears in neither id.
 */
export const clientKey = (userId: string, clientId: string) => `${userId}\u0000${clientId}`;

/** A device as claimed by a user (`X-Device-Id`): it counts only if it is a device row of theirs. */
export const deviceKey = (userId: string, deviceId: string) => `${userId}\u0000${deviceId}`;

type GroupOutcome =
  | { kind: "gap"; expected: number; got: number }
  | { kind: "ok"; lastMutationId: number; version: number; results: MutationResult[]; changed: boolean };

export interface ClientUpdate {
  clientId: string;
  userId: string;
  deviceId: string | null;
  /** What D1 holds before the group (null = no row yet): the commit's guard. */
  from: number | null;
  to: number;
}

export interface GroupPlan {
  outcomes: GroupOutcome[];
  writes: RecordWrite[];
  clients: ClientUpdate[];
  version: number;
}

export function planGroup(input: {
  requests: readonly GroupRequest[];
  /** Each client's state before the group (null = new client), as D1 holds it, by `clientKey`. */
  clients: ReadonlyMap<string, ClientState | null>;
  records: ReadonlyMap<string, StoredRecord>;
  version: number;
}): GroupPlan {
  let version = input.version;
  const records = new Map(input.records);
  const clients = new Map(input.clients);
  const written = new Map<string, RecordWrite>();
  const updates = new Map<string, ClientUpdate>();
  const outcomes = input.requests.map((req): GroupOutcome => {
    const key = clientKey(req.userId, req.clientId);
    const client = clients.get(key) ?? null;
    const plan = planPush({
      mutations: req.mutations,
      lastMutationId: client?.lastMutationId ?? 0,
      version,
      records,
      appVersion: req.appVersion,
    });
    if (plan.kind === "gap") return plan;
    if (plan.processed > 0) {
      for (const w of plan.writes) {
        const k = recordKey(w.collection, w.key);
        records.set(k, w);
        written.set(k, w);
      }
      version = plan.version;
      const before = updates.get(key)?.from;
      updates.set(key, {
        clientId: req.clientId,
        userId: req.userId,
        deviceId: req.deviceId,
        from: before !== undefined ? before : (input.clients.get(key)?.lastMutationId ?? null),
        to: plan.lastMutationId,
      });
      clients.set(key, { lastMutationId: plan.lastMutationId });
    }
    return {
      kind: "ok",
      lastMutationId: plan.lastMutationId,
      version,
      results: plan.results,
      changed: plan.writes.length > 0,
    };
  });
  return { outcomes, writes: [...written.values()], clients: [...updates.values()], version };
}

/** The mutations past each client's last id: the records a group may write (its plan's inputs). */
export function pendingMutations(
  requests: readonly GroupRequest[],
  clients: ReadonlyMap<string, ClientState | null>,
): SpaceMutation[] {
  return requests.flatMap((r) => {
    const last = clients.get(clientKey(r.userId, r.clientId))?.lastMutationId ?? 0;
    return r.mutations.filter((m) => m.id > last);
  });
}

/**
 * A pusher's device id is kept only if it is one of their own device rows: another member's id
 * would make that device the writer (recorded on the client, never woken for the change).
 */
export function withOwnedDevices<R extends GroupRequest>(
  requests: readonly R[],
  owned: ReadonlySet<string>,
): R[] {
  return requests.map((r) =>
    r.deviceId && !owned.has(deviceKey(r.userId, r.deviceId)) ? { ...r, deviceId: null } : r,
  );
}

/** The devices whose pushes changed something: they are never woken for their own changes. */
export function changedOrigins(
  requests: readonly GroupRequest[],
  outcomes: readonly GroupOutcome[],
): Set<string> {
  const origins = new Set<string>();
  requests.forEach((r, i) => {
    const o = outcomes[i];
    if (o?.kind === "ok" && o.changed && r.deviceId) origins.add(r.deviceId);
  });
  return origins;
}

/** At most this much is planned and committed together (D1 batch and parameter limits). */
const MAX_GROUP_REQUESTS = 50;
const MAX_GROUP_MUTATIONS = 1000;

/**
 * Takes the next group off the front of `queue` (in place, arrival order kept): at most
 * MAX_GROUP_REQUESTS requests and MAX_GROUP_MUTATIONS mutations, but always the first request.
 */
export function takeGroup<T extends { req: { mutations: readonly unknown[] } }>(queue: T[]): T[] {
  const group: T[] = [];
  let mutations = 0;
  while (queue.length && group.length < MAX_GROUP_REQUESTS) {
    const next = queue[0];
    if (!next || (group.length && mutations + next.req.mutations.length > MAX_GROUP_MUTATIONS)) break;
    group.push(next);
    mutations += next.req.mutations.length;
    queue.shift();
  }
  return group;
}

/** A request's planned outcome as its RPC answer. */
export function syncPushOutcome(o: GroupOutcome): SyncPushOutcome {
  if (o.kind === "gap") return fail("mutation_gap", `Expected mutation ${o.expected} next, got ${o.got}`);
  return { ok: true, lastMutationId: o.lastMutationId, version: o.version, results: o.results };
}
