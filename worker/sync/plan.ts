import { applyMutation, projectValue, type StoredRecord } from "./merge";
import type { Mutation, MutationResult, SpaceMutation, WireRecord } from "./protocol";

/** `collection` + NUL + `key`: NUL cannot appear in a collection name, so keys never collide. */
export const recordKey = (collection: string, key: string) => `${collection}\u0000${key}`;

interface PushPlanInput {
  mutations: readonly SpaceMutation[];
  /** The client's last applied mutation id (0 for a new client). */
  lastMutationId: number;
  /** The space's version before this push. */
  version: number;
  /** Current state of every record the mutations touch (absent = never written or purged). */
  records: ReadonlyMap<string, StoredRecord>;
  appVersion: string | undefined;
}

export interface RecordWrite extends StoredRecord {
  collection: string;
  key: string;
}

type PushPlan =
  | { kind: "gap"; expected: number; got: number }
  | {
      kind: "ok";
      results: MutationResult[];
      /** The final state of each record written (one entry per record, its latest version). */
      writes: RecordWrite[];
      version: number;
      lastMutationId: number;
      /** Mutations this push processed (applied, conflict or rejected): each advances the client. */
      processed: number;
    };

function toWire(
  collection: string,
  key: string,
  record: StoredRecord,
  appVersion: string | undefined,
): WireRecord {
  return {
    collection,
    key,
    version: record.version,
    deleted: record.deleted,
    value: projectValue(collection, record.value, appVersion),
  };
}

/**
 * Plans a push in server order: ids at or below the client's last are skipped (retries), the
 * next ids are decided one by one against the state the earlier ones left, and an id that skips
 * ahead makes the whole push a gap (nothing applied). Every applied change takes the next
 * version; conflicts and rejections take none but still advance the client.
 */
export function planPush(input: PushPlanInput): PushPlan {
  let last = input.lastMutationId;
  for (const m of input.mutations) {
    if (m.id <= last) continue;
    if (m.id !== last + 1) return { kind: "gap", expected: last + 1, got: m.id };
    last = m.id;
  }

  last = input.lastMutationId;
  let version = input.version;
  const state = new Map(input.records);
  const written = new Map<string, RecordWrite>();
  const results: MutationResult[] = [];
  for (const m of input.mutations) {
    if (m.id <= last) continue;
    last = m.id;
    const k = recordKey(m.collection, m.key);
    const current = state.get(k);
    const outcome = applyMutation(m, current, input.appVersion);
    if (outcome.status === "applied") {
      version += 1;
      const next: StoredRecord = { version, ...outcome.next };
      state.set(k, next);
      written.set(k, { collection: m.collection, key: m.key, ...next });
      results.push({
        id: m.id,
        status: "applied",
        record: toWire(m.collection, m.key, next, input.appVersion),
      });
    } else if (outcome.status === "conflict") {
      results.push({
        id: m.id,
        status: "conflict",
        record: toWire(m.collection, m.key, outcome.current, input.appVersion),
        error: { code: "conflict", message: outcome.message },
      });
    } else {
      results.push({ id: m.id, status: "rejected", error: outcome.error });
    }
  }
  return {
    kind: "ok",
    results,
    writes: [...written.values()],
    version,
    lastMutationId: last,
    processed: results.length,
  };
}

/**
 * Server-side writes (admin actions, jobs) have no client: numbered 1…n in order and planned as a
 * new client's first push, so they can never be a gap.
 */
export function planServerWrite(
  mutations: readonly Omit<Mutation, "id">[],
  version: number,
  records: ReadonlyMap<string, StoredRecord>,
): Extract<PushPlan, { kind: "ok" }> {
  const numbered = mutations.map((m, i) => ({ ...m, id: i + 1 }));
  const plan = planPush({ mutations: numbered, lastMutationId: 0, version, records, appVersion: undefined });
  if (plan.kind !== "ok") throw new Error("unreachable: numbered server mutations cannot gap");
  return plan;
}
