import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";
import { codes, gqlBody } from "./graphql-helpers";
import { seedRecords, seedUnread, sharedSpace, tick } from "./screens-fixtures";

// Every allow-listed operation, as its owner and as another user: the same answers as REST
// (REST's 404 / 403 are errors[] with extensions.code not_found / forbidden).

interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}
type RecordNode = { collection: string; key: string; version: number; value: Record<string, unknown> };
type SpaceNode = { id: string; name: string; kind: string; role: string; records: Page<RecordNode> };

async function member(ownerToken: string, spaceId: string, userId: string, role: "editor" | "viewer") {
  const res = await call(`/v1/spaces/${spaceId}/members`, {
    method: "POST",
    token: ownerToken,
    json: { userId, role },
  });
  expect(res.status).toBe(200);
}

describe("GraphQL operations against real D1 and Durable Objects", () => {
  it("Spaces: every space with members and a page of records, paginated by cursor", async () => {
    const a = await anonymousUser();
    const b = await anonymousUser();
    const shared = await sharedSpace(a.accessToken, "Family");
    await member(a.accessToken, shared, b.userId, "viewer");
    await seedRecords(a.accessToken, "me", [
      { collection: "tasks", key: "t1", value: { title: "one", done: false } },
      { collection: "tasks", key: "t2", value: { title: "two", done: true } },
      { collection: "notes", key: "n1", value: { title: "three", body: "x" } },
    ]);
    await seedRecords(a.accessToken, shared, [
      { collection: "tasks", key: "s1", value: { title: "s", done: false } },
    ]);

    const first = await gqlBody<{ spaces: (SpaceNode & { members: { userId: string; role: string }[] })[] }>(
      "Spaces",
      { first: 2 },
      a.accessToken,
    );
    expect(first.errors).toBeUndefined();
    const [personal, family] = first.data?.spaces ?? [];
    expect(personal).toMatchObject({ id: `p_${a.userId}`, kind: "personal", role: "owner" });
    expect(personal?.records.nodes.map((r) => r.key)).toEqual(["t1", "t2"]);
    expect(personal?.records.pageInfo.hasNextPage).toBe(true);
    expect(family?.members.map((m) => [m.userId, m.role])).toEqual([
      [a.userId, "owner"],
      [b.userId, "viewer"],
    ]);

    const next = await gqlBody<{ space: SpaceNode }>(
      "Space",
      { id: "me", first: 2, after: personal?.records.pageInfo.endCursor },
      a.accessToken,
    );
    expect(next.data?.space.records.nodes.map((r) => r.key)).toEqual(["n1"]);
    expect(next.data?.space.records.pageInfo.hasNextPage).toBe(false);

    // B sees the shared space (viewer) but never A's personal one: not_found, as REST's pull.
    const bSpaces = await gqlBody<{ spaces: SpaceNode[] }>("Spaces", {}, b.accessToken);
    expect(bSpaces.data?.spaces.map((s) => [s.id, s.role])).toEqual([
      [`p_${b.userId}`, "owner"],
      [shared, "viewer"],
    ]);
    const foreign = await gqlBody("Space", { id: `p_${a.userId}` }, b.accessToken);
    expect(codes(foreign)).toEqual(["not_found"]);
    const rest = await call(`/v1/sync/p_${a.userId}/pull`, { token: b.accessToken });
    expect(rest.status).toBe(404);
  });

  it("Space: records of one collection, values as the caller's app version sees them", async () => {
    const a = await anonymousUser();
    await seedRecords(a.accessToken, "me", [
      { collection: "tasks", key: "t1", value: { title: "tagged", done: false, tags: ["x"] } },
      { collection: "notes", key: "n1", value: { title: "n", body: "b" } },
    ]);
    const old = await gqlBody<{ space: SpaceNode }>(
      "Space",
      { id: "me", collection: "tasks" },
      a.accessToken,
      {
        "X-App-Version": "3.0.0",
      },
    );
    expect(old.data?.space.records.nodes).toEqual([
      expect.objectContaining({ key: "t1", value: { title: "tagged", done: false } }),
    ]);
    const bad = await gqlBody("Space", { id: "me", first: 0 }, a.accessToken);
    expect(codes(bad)).toEqual(["invalid_query"]);
  });

  it("SyncPush: through the space's Durable Object, with REST's 403 and 404 as codes", async () => {
    const a = await anonymousUser();
    const viewer = await anonymousUser();
    const stranger = await anonymousUser();
    const shared = await sharedSpace(a.accessToken, "Team");
    await member(a.accessToken, shared, viewer.userId, "viewer");
    const mutations = [
      { id: 1, collection: "tasks", key: "k1", op: "put", value: { title: "hi", done: false } },
    ];

    const ok = await gqlBody<{
      syncPush: { lastMutationId: number; version: number; results: { status: string }[] };
    }>("SyncPush", { spaceId: shared, clientId: "gql-a", mutations }, a.accessToken);
    expect(ok.data?.syncPush).toMatchObject({
      lastMutationId: 1,
      version: 1,
      results: [{ status: "applied" }],
    });
    // A retry applies nothing twice.
    const retry = await gqlBody<{ syncPush: { results: unknown[] } }>(
      "SyncPush",
      { spaceId: shared, clientId: "gql-a", mutations },
      a.accessToken,
    );
    expect(retry.data?.syncPush.results).toEqual([]);

    const asViewer = await gqlBody(
      "SyncPush",
      { spaceId: shared, clientId: "gql-v", mutations },
      viewer.accessToken,
    );
    expect(codes(asViewer)).toEqual(["forbidden"]);
    const asStranger = await gqlBody(
      "SyncPush",
      { spaceId: shared, clientId: "gql-s", mutations },
      stranger.accessToken,
    );
    expect(codes(asStranger)).toEqual(["not_found"]);
    for (const [token, status] of [
      [viewer.accessToken, 403],
      [stranger.accessToken, 404],
    ] as const) {
      const rest = await call(`/v1/sync/${shared}/push`, {
        method: "POST",
        token,
        json: { clientId: "rest-x", mutations },
      });
      expect(rest.status).toBe(status);
    }

    const invalid = await gqlBody(
      "SyncPush",
      {
        spaceId: "me",
        clientId: "bad id!",
        mutations: [{ id: 1, collection: "tasks", key: "k", op: "delete" }],
      },
      a.accessToken,
    );
    expect(codes(invalid)).toEqual(["invalid_body"]);
  });

  it("RegisterDevice: the caller's device, with REST's validation", async () => {
    const a = await anonymousUser();
    const deviceId = crypto.randomUUID();
    const input = {
      platform: "ios",
      appVersion: "3.2.1",
      locale: "de-ch",
      timezone: "europe/zurich",
      topics: ["news"],
    };
    const ok = await gqlBody<{ registerDevice: Record<string, unknown> }>(
      "RegisterDevice",
      { deviceId, input },
      a.accessToken,
    );
    expect(ok.data?.registerDevice).toMatchObject({
      id: deviceId,
      platform: "ios",
      locale: "de-CH",
      timezone: "Europe/Zurich",
      topics: ["news"],
    });
    const listed = await (
      await call("/v1/devices", { token: a.accessToken })
    ).json<{ devices: { id: string }[] }>();
    expect(listed.devices.map((d) => d.id)).toEqual([deviceId]);

    const bad = await gqlBody(
      "RegisterDevice",
      { deviceId, input: { platform: "ios", pushProvider: "apns" } },
      a.accessToken,
    );
    expect(codes(bad)).toEqual(["invalid_body"]);
  });

  it("Inbox and MarkInboxItemRead: the caller's entries; another user's entry is not_found", async () => {
    const a = await anonymousUser();
    const b = await anonymousUser();
    await seedUnread(a.userId, 3);
    await tick();
    type Item = { id: string; readAt: number | null };
    const page = await gqlBody<{ inbox: Page<Item> }>("Inbox", { first: 2 }, a.accessToken);
    expect(page.data?.inbox.nodes).toHaveLength(2);
    expect(page.data?.inbox.pageInfo.hasNextPage).toBe(true);
    const rest = await call(`/v1/notifications?limit=2`, { token: a.accessToken });
    const restPage = await rest.json<{ items: Item[]; cursor: number }>();
    expect(page.data?.inbox.nodes.map((n) => n.id)).toEqual(restPage.items.map((i) => i.id));
    expect(page.data?.inbox.pageInfo.endCursor).toBe(String(restPage.cursor));

    const id = page.data?.inbox.nodes[0]?.id ?? "";
    const byB = await gqlBody("MarkInboxItemRead", { id }, b.accessToken);
    expect(codes(byB)).toEqual(["not_found"]);
    expect(
      (await call(`/v1/notifications/${id}/read`, { method: "POST", token: b.accessToken })).status,
    ).toBe(404);
    const byA = await gqlBody<{ markInboxItemRead: boolean }>("MarkInboxItemRead", { id }, a.accessToken);
    expect(byA.data).toEqual({ markInboxItemRead: true });
    const bInbox = await gqlBody<{ inbox: Page<Item> }>("Inbox", {}, b.accessToken);
    expect(bInbox.data?.inbox.nodes).toEqual([]);
  });

  it("Me and Config: the caller's own", async () => {
    const a = await anonymousUser();
    const me = await gqlBody<{ me: { id: string } }>("Me", undefined, a.accessToken);
    expect(me.data?.me.id).toBe(a.userId);
    const config = await gqlBody<{ config: unknown }>("Config", undefined, a.accessToken, {
      "X-Platform": "ios",
    });
    const rest = await (
      await call("/v1/config", { token: a.accessToken, headers: { "X-Platform": "ios" } })
    ).json();
    expect(config.data?.config).toEqual(rest);
  });
});
