import { describe, expect, it } from "vitest";
import {
  changedOrigins,
  clientKey,
  pendingMutations,
  takeGroup,
  type GroupRequest,
} from "../../worker/sync/group";
import type { Mutation } from "../../worker/sync/protocol";
import { tombstoneCutoff } from "../../worker/sync/purge";
import {
  memberChangeRefusal,
  memberRemovalRefusal,
  personalSpaceId,
  pushRefusal,
  resolveSpaceId,
} from "../../worker/sync/spaces";

const put = (id: number, key: string): Mutation => ({ id, collection: "tasks", key, op: "put", value: {} });
const req = (clientId: string, mutations: Mutation[], deviceId: string | null = null): GroupRequest => ({
  clientId,
  userId: "u1",
  deviceId,
  appVersion: undefined,
  mutations,
});

describe("space ids", () => {
  it("resolves me to the caller's personal space and leaves other ids alone", () => {
    expect(resolveSpaceId("me", "u1")).toBe(personalSpaceId("u1"));
    expect(resolveSpaceId("shared-1", "u1")).toBe("shared-1");
  });
});

describe("who may do what", () => {
  it("lets owners and editors push, refuses viewers, and hides the space from outsiders", () => {
    expect(pushRefusal("owner")).toBeNull();
    expect(pushRefusal("editor")).toBeNull();
    expect(pushRefusal("viewer")).toMatchObject({ ok: false, error: "forbidden" });
    expect(pushRefusal(null)).toMatchObject({ ok: false, error: "not_found" });
  });

  it("lets only the owner manage members of a shared space, never changing the owner's role", () => {
    const change = (actorRole: "owner" | "editor" | null, targetRole?: "owner" | "viewer", spaceId = "s") =>
      memberChangeRefusal({ spaceId, actorRole, targetRole })?.error ?? null;
    expect(change("owner")).toBeNull();
    expect(change("owner", "viewer")).toBeNull();
    expect(change(null)).toBe("not_found");
    expect(change("editor")).toBe("forbidden");
    expect(change("owner", undefined, personalSpaceId("u1"))).toBe("forbidden");
    expect(change("owner", "owner")).toBe("forbidden");
  });

  it("lets the owner remove others and any member leave, but never the owner", () => {
    const remove = (actor: string, actorRole: "owner" | "viewer" | null, targetRole?: "owner" | "viewer") =>
      memberRemovalRefusal({ actorUserId: actor, userId: "v", actorRole, targetRole })?.error ?? null;
    expect(remove("o", "owner", "viewer")).toBeNull();
    expect(remove("v", "viewer", "viewer")).toBeNull();
    expect(remove("x", "viewer", "viewer")).toBe("forbidden");
    expect(remove("o", null, "viewer")).toBe("not_found");
    expect(remove("o", "owner", undefined)).toBe("not_found");
    expect(remove("o", "owner", "owner")).toBe("forbidden");
  });
});

describe("group commit", () => {
  it("takes at most 50 requests and 1,000 mutations, but always the first", () => {
    const queue = Array.from({ length: 60 }, (_, i) => ({ req: req(`c${i}`, [put(1, "k")]) }));
    expect(takeGroup(queue)).toHaveLength(50);
    expect(queue).toHaveLength(10);
    const big = (n: number) => ({
      req: req(
        "c",
        Array.from({ length: n }, (_, i) => put(i + 1, "k")),
      ),
    });
    const heavy = [big(600), big(400), big(1)];
    expect(takeGroup(heavy).map((i) => i.req.mutations.length)).toEqual([600, 400]);
    expect(takeGroup([big(1500), big(1)]).map((i) => i.req.mutations.length)).toEqual([1500]);
  });

  it("plans only from the mutations past each client's last id", () => {
    const pending = pendingMutations(
      [req("a", [put(1, "x"), put(2, "y")]), req("b", [put(1, "z")])],
      new Map([
        [clientKey("u1", "a"), { lastMutationId: 1 }],
        [clientKey("u1", "b"), null],
      ]),
    );
    expect(pending.map((m) => m.key)).toEqual(["y", "z"]);
  });

  it("names as origins only the devices whose pushes changed something", () => {
    const requests = [req("a", [], "d1"), req("b", [], "d2"), req("c", [], null)];
    const ok = (changed: boolean) => ({
      kind: "ok" as const,
      lastMutationId: 1,
      version: 1,
      results: [],
      changed,
    });
    expect([...changedOrigins(requests, [ok(true), ok(false), ok(true)])]).toEqual(["d1"]);
  });
});

describe("tombstoneCutoff", () => {
  it("keeps tombstones for TOMBSTONE_RETENTION_DAYS, 30 when unset or invalid", () => {
    const now = 100 * 86_400_000;
    expect(tombstoneCutoff("7", now)).toBe(93 * 86_400_000);
    expect(tombstoneCutoff("0", now)).toBe(now);
    expect(tombstoneCutoff(undefined, now)).toBe(70 * 86_400_000);
    expect(tombstoneCutoff("-1", now)).toBe(70 * 86_400_000);
    expect(tombstoneCutoff("soon", now)).toBe(70 * 86_400_000);
  });
});
