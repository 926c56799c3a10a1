import type { StoredRecord } from "./merge";
import { planPush, recordKey, type RecordWrite } from "./plan";
import type { Mutation, MutationResult } from "./protocol";

/**
 * Group commit: pushes that queued up while the previous commit was in flight are planned one
 * after the other, exactly as if they had run alone in that order, and committed in one D1
 * batch. Same results as one by one; one round trip for reads and one for writes per group.
 */
export interface GroupRequest {
  clientId: string;
  userId: string;
  deviceId: string | null;
  appVersion: string | undefined;
  mutations: readonly Mutation[];
}

export interface ClientState {
  userId: string;
  lastMutationId: number;
}

export type GroupOutcome =
  | { kind: "forbidden" }
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
  /** Each client's state before the group (null = new client), as D1 holds it. */
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
    const client = clients.get(req.clientId) ?? null;
    if (client && client.userId !== req.userId) return { kind: "forbidden" };
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
      const before = updates.get(req.clientId)?.from;
      updates.set(req.clientId, {
        clientId: req.clientId,
        userId: req.userId,
        deviceId: req.deviceId,
        from: before !== undefined ? before : (input.clients.get(req.clientId)?.lastMutationId ?? null),
        to: plan.lastMutationId,
      });
      clients.set(req.clientId, { userId: req.userId, lastMutationId: plan.lastMutationId });
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
