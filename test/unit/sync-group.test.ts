import { describe, expect, it } from "vitest";
import {
  clientKey,
  deviceKey,
  planGroup,
  withOwnedDevices,
  type GroupRequest,
} from "../../worker/sync/group";
import type { Mutation } from "../../worker/sync/protocol";

const put = (id: number, key: string, title = key): Mutation => ({
  id,
  collection: "tasks",
  key,
  op: "put",
  value: { title, done: false },
});
const req = (clientId: string, mutations: Mutation[], userId = "u1"): GroupRequest => ({
  clientId,
  userId,
  deviceId: null,
  appVersion: undefined,
  mutations,
});

describe("planGroup", () => {
  it("plans queued pushes in arrival order, as if each ran alone", () => {
    const plan = planGroup({
      requests: [req("a", [put(1, "x", "first")]), req("b", [put(1, "x", "second"), put(2, "y")])],
      clients: new Map([
        [clientKey("u1", "a"), null],
        [clientKey("u1", "b"), { lastMutationId: 0 }],
      ]),
      records: new Map(),
      version: 10,
    });
    expect(plan.outcomes.map((o) => (o.kind === "ok" ? [o.version, o.lastMutationId] : o.kind))).toEqual([
      [11, 1],
      [13, 2],
    ]);
    expect(plan.version).toBe(13);
    expect(plan.writes.map((w) => [w.key, w.version, w.value?.title])).toEqual([
      ["x", 12, "second"],
      ["y", 13, "y"],
    ]);
    expect(plan.clients).toEqual([
      { clientId: "a", userId: "u1", deviceId: null, from: null, to: 1 },
      { clientId: "b", userId: "u1", deviceId: null, from: 0, to: 2 },
    ]);
  });

  it("applies the same batch delivered twice in one group once, guarding on the client's first state", () => {
    const batch = [put(4, "x"), put(5, "y")];
    const plan = planGroup({
      requests: [req("a", batch), req("a", batch), req("a", [put(6, "z")])],
      clients: new Map([[clientKey("u1", "a"), { lastMutationId: 3 }]]),
      records: new Map(),
      version: 0,
    });
    expect(plan.outcomes.map((o) => (o.kind === "ok" ? o.results.length : o.kind))).toEqual([2, 0, 1]);
    expect(plan.clients).toEqual([{ clientId: "a", userId: "u1", deviceId: null, from: 3, to: 6 }]);
    expect(plan.version).toBe(3);
  });

  it("keeps two users' same client id apart, and refuses a gap without touching the rest", () => {
    const plan = planGroup({
      requests: [req("a", [put(1, "x")], "other"), req("b", [put(3, "y")]), req("a", [put(8, "z")], "owner")],
      clients: new Map([
        [clientKey("owner", "a"), { lastMutationId: 7 }],
        [clientKey("other", "a"), null],
        [clientKey("u1", "b"), null],
      ]),
      records: new Map(),
      version: 5,
    });
    expect(plan.outcomes.map((o) => o.kind)).toEqual(["ok", "gap", "ok"]);
    expect(plan.writes.map((w) => [w.key, w.version])).toEqual([
      ["x", 6],
      ["z", 7],
    ]);
    expect(plan.clients.map((c) => [c.userId, c.clientId, c.from, c.to])).toEqual([
      ["other", "a", null, 1],
      ["owner", "a", 7, 8],
    ]);
  });
});

describe("withOwnedDevices", () => {
  it("keeps a pusher's device id only if it is a device row of that pusher", () => {
    const requests = [
      { ...req("a", [], "u1"), deviceId: "phone-1" },
      { ...req("b", [], "u2"), deviceId: "phone-1" },
      { ...req("c", [], "u2"), deviceId: null },
    ];
    const out = withOwnedDevices(requests, new Set([deviceKey("u1", "phone-1")]));
    expect(out.map((r) => [r.userId, r.deviceId])).toEqual([
      ["u1", "phone-1"],
      ["u2", null],
      ["u2", null],
    ]);
  });
});
