import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoredRecord } from "../../worker/sync/merge";
import { planPush, recordKey } from "../../worker/sync/plan";
import type { Mutation, PushResponse, WireRecord } from "../../worker/sync/protocol";
import { anonymousUser } from "../setup/http";
import { addMember, createSpace, newClientId, pullAll, push, type Caller } from "./sync-helpers";

/**
 * Convergence, property-based: replicas (three users' phones, one of them an app 3.0.0 that
 * does not know `tags`) edit a shared space offline and sync in random interleavings, with lost
 * responses, duplicated deliveries, stale re-sends of old batches and premature ids (gaps).
 * Every push is checked against a sequential model of the server (the pure planner over an
 * in-memory store, fed the same requests in the same order); at the end every replica, the
 * model and the server agree record by record, version by version, and every mutation a
 * replica made was acknowledged exactly once.
 */
const KEYS = ["k0", "k1", "k2"];
const TITLES = ["milk", "eggs", "bread", ""]; // "" fails the schema: a rejected mutation
const REPLICAS = 3;

type Edit =
  | { kind: "putTask"; key: string; title: string; done: boolean; tags?: string[] }
  | {
      kind: "patchTask";
      key: string;
      field: "title" | "done" | "tags";
      title: string;
      done: boolean;
      tags: string[];
    }
  | { kind: "putNote"; key: string; body: string; withBase: boolean }
  | { kind: "patchNote"; key: string; body: string; withBase: boolean }
  | { kind: "delete"; collection: "tasks" | "notes"; key: string }
  | { kind: "unknown" };

type Action =
  | { kind: "edit"; replica: number; edit: Edit }
  | { kind: "push"; replica: number; take: number; lose: boolean; duplicate: boolean }
  | { kind: "stale"; replica: number; pick: number }
  | { kind: "gap"; replica: number }
  | { kind: "pull"; replica: number; limit: number };

const replica = fc.integer({ min: 0, max: REPLICAS - 1 });
const key = fc.constantFrom(...KEYS);
const title = fc.constantFrom(...TITLES);
const tags = fc.array(fc.constantFrom("home", "work", "x"), { maxLength: 2 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("putTask" as const),
      key,
      title,
      done: fc.boolean(),
      tags: fc.option(tags, { nil: undefined }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("patchTask" as const),
      key,
      field: fc.constantFrom("title" as const, "done" as const, "tags" as const),
      title,
      done: fc.boolean(),
      tags,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("putNote" as const),
      key,
      body: fc.constantFrom("a", "b", "c"),
      withBase: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("patchNote" as const),
      key,
      body: fc.constantFrom("a", "b", "c"),
      withBase: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      collection: fc.constantFrom("tasks" as const, "notes" as const),
      key,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "unknown" as const }) },
);
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("edit" as const), replica, edit }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      replica,
      take: fc.integer({ min: 1, max: 6 }),
      lose: fc.boolean(),
      duplicate: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stale" as const), replica, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("gap" as const), replica }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("pull" as const),
      replica,
      limit: fc.integer({ min: 1, max: 5 }),
    }),
  },
);

/** The server as a sequential model: the same planner over an in-memory store. */
class ModelServer {
  version = 0;
  readonly records = new Map<string, StoredRecord & { collection: string; key: string }>();
  readonly lastIds = new Map<string, number>();

  push(clientId: string, mutations: Mutation[], appVersion: string | undefined) {
    const plan = planPush({
      mutations,
      lastMutationId: this.lastIds.get(clientId) ?? 0,
      version: this.version,
      records: this.records,
      appVersion,
    });
    if (plan.kind === "gap") return plan;
    for (const w of plan.writes) this.records.set(recordKey(w.collection, w.key), w);
    this.version = plan.version;
    this.lastIds.set(clientId, plan.lastMutationId);
    return plan;
  }
}

interface Replica {
  who: Caller;
  clientId: string;
  nextId: number;
  pending: Mutation[];
  /** Records as this replica last pulled them. */
  snapshot: Map<string, WireRecord>;
  cursor: number;
  sent: Mutation[][];
}

function toMutation(r: Replica, e: Edit): Mutation {
  const id = r.nextId++;
  const knowsTags = r.who.appVersion !== "3.0.0";
  const base = (collection: string, k: string) => r.snapshot.get(recordKey(collection, k))?.version ?? 0;
  switch (e.kind) {
    case "putTask":
      return {
        id,
        collection: "tasks",
        key: e.key,
        op: "put",
        value: { title: e.title, done: e.done, ...(e.tags && knowsTags ? { tags: e.tags } : {}) },
      };
    case "patchTask": {
      const field = e.field === "tags" && !knowsTags ? "done" : e.field;
      const value =
        field === "title" ? { title: e.title } : field === "done" ? { done: e.done } : { tags: e.tags };
      return { id, collection: "tasks", key: e.key, op: "patch", value, baseVersion: base("tasks", e.key) };
    }
    case "putNote":
      return {
        id,
        collection: "notes",
        key: e.key,
        op: "put",
        value: { title: "n", body: e.body },
        ...(e.withBase ? { baseVersion: base("notes", e.key) } : {}),
      };
    case "patchNote":
      return {
        id,
        collection: "notes",
        key: e.key,
        op: "patch",
        value: { body: e.body },
        ...(e.withBase ? { baseVersion: base("notes", e.key) } : {}),
      };
    case "delete":
      return { id, collection: e.collection, key: e.key, op: "delete" };
    case "unknown":
      return { id, collection: "gone", key: "x", op: "put", value: { a: 1 } };
  }
}

function acknowledge(r: Replica, lastMutationId: number): void {
  r.pending = r.pending.filter((m) => m.id > lastMutationId);
}

async function sendAndCheck(
  spaceId: string,
  model: ModelServer,
  r: Replica,
  batch: Mutation[],
): Promise<PushResponse | null> {
  const res = await push(r.who, spaceId, r.clientId, batch);
  const expected = model.push(r.clientId, batch, r.who.appVersion);
  if (expected.kind === "gap") {
    expect(res.status).toBe(409);
    return null;
  }
  expect(res.status).toBe(200);
  const body = await res.json<PushResponse>();
  expect(body).toEqual({
    lastMutationId: expected.lastMutationId,
    version: expected.version,
    results: expected.results,
  });
  return body;
}

async function pullInto(spaceId: string, r: Replica, limit: number): Promise<void> {
  const { changes, cursor, pages } = await pullAll(r.who, spaceId, {
    cursor: r.cursor,
    limit,
    clientId: r.clientId,
  });
  for (const c of changes) r.snapshot.set(recordKey(c.collection, c.key), c);
  r.cursor = cursor;
  acknowledge(r, pages.at(-1)?.lastMutationId ?? 0);
}

async function runScenario(actions: Action[]): Promise<void> {
  const users = await Promise.all(Array.from({ length: REPLICAS }, () => anonymousUser()));
  const [owner, ...others] = users;
  if (!owner) throw new Error("no owner");
  const spaceId = await createSpace({ token: owner.accessToken });
  for (const u of others) await addMember({ token: owner.accessToken }, spaceId, u.userId, "editor");
  const replicas: Replica[] = users.map((u, i) => ({
    who: { token: u.accessToken, deviceId: u.deviceId, appVersion: i === 2 ? "3.0.0" : "3.1.0" },
    clientId: newClientId(),
    nextId: 1,
    pending: [],
    snapshot: new Map(),
    cursor: 0,
    sent: [],
  }));
  const model = new ModelServer();
  const send = (r: Replica, batch: Mutation[]) => sendAndCheck(spaceId, model, r, batch);

  for (const a of actions) {
    const r = replicas[a.replica];
    if (!r) continue;
    if (a.kind === "edit") r.pending.push(toMutation(r, a.edit));
    else if (a.kind === "push" && r.pending.length) {
      const batch = r.pending.slice(0, a.take);
      r.sent.push(batch);
      const body = await send(r, batch);
      if (a.duplicate) await send(r, batch); // delivered twice: the second is a no-op
      if (body && !a.lose) acknowledge(r, body.lastMutationId);
    } else if (a.kind === "stale" && r.sent.length) {
      await send(r, r.sent[a.pick % r.sent.length] ?? []);
    } else if (a.kind === "gap" && r.pending.length >= 2) {
      // A broken client skipping its first pending mutation: 409 unless the server already has it.
      await send(r, r.pending.slice(1));
    } else if (a.kind === "pull") await pullInto(spaceId, r, a.limit);
  }

  // Everyone reconnects, in reverse order, and drains their queue with responses received.
  for (const r of [...replicas].reverse()) {
    while (r.pending.length) {
      const body = await send(r, r.pending.slice(0, 50));
      if (body) acknowledge(r, body.lastMutationId);
    }
  }
  for (const r of replicas) await pullInto(spaceId, r, 7);

  const server = await pullAll({ token: owner.accessToken }, spaceId, { limit: 1000 });
  expect(server.cursor).toBe(model.version);
  const expected = [...model.records.values()]
    .sort((x, y) => x.version - y.version)
    .map((w) => ({
      collection: w.collection,
      key: w.key,
      version: w.version,
      deleted: w.deleted,
      value: w.value,
    }));
  expect(server.changes).toEqual(expected);
  for (const r of replicas) {
    expect(r.pending).toEqual([]);
    expect(model.lastIds.get(r.clientId) ?? 0).toBe(r.nextId - 1);
    const fresh = await pullAll(r.who, spaceId, { limit: 1000 });
    const mine = [...r.snapshot.values()].sort((x, y) => x.version - y.version);
    expect(mine).toEqual(fresh.changes);
  }
}

describe("sync convergence", () => {
  it("converges every replica on the server state, with no acknowledged mutation lost or doubled", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 60 }), (actions) => runScenario(actions)),
      { numRuns: 15 },
    );
  }, 120_000);
});
