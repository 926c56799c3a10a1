import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";
import {
  addMember,
  createSpace,
  newClientId,
  problemCode,
  pull,
  pullOk,
  push,
  pushOk,
  putTask,
  type Caller,
} from "./sync-helpers";

async function user(): Promise<Caller & { userId: string }> {
  const u = await anonymousUser();
  return { token: u.accessToken, userId: u.userId };
}

describe("spaces and roles", () => {
  it("lists the caller's spaces with their role, the personal one first", async () => {
    const owner = await user();
    const guest = await user();
    const spaceId = await createSpace(owner, "Family");
    await addMember(owner, spaceId, guest.userId, "viewer");
    const res = await call("/v1/spaces", { token: guest.token });
    expect(res.status).toBe(200);
    const { spaces } = await res.json<{
      spaces: { id: string; name: string; role: string; kind: string }[];
    }>();
    expect(spaces.map((s) => [s.id, s.kind, s.role])).toEqual([
      [`p_${guest.userId}`, "personal", "owner"],
      [spaceId, "shared", "viewer"],
    ]);
    expect(spaces[1]?.name).toBe("Family");
  });

  it("lets editors write, viewers only pull (403 on push), and the owner see both", async () => {
    const owner = await user();
    const editor = await user();
    const viewer = await user();
    const spaceId = await createSpace(owner);
    await addMember(owner, spaceId, editor.userId, "editor");
    await addMember(owner, spaceId, viewer.userId, "viewer");

    const written = await pushOk(editor, spaceId, newClientId(), [
      putTask(1, "t1", { title: "by editor", done: false }),
    ]);
    expect(written.results[0]?.status).toBe("applied");

    const refused = await push(viewer, spaceId, newClientId(), [
      putTask(1, "t2", { title: "by viewer", done: false }),
    ]);
    expect(refused.status).toBe(403);
    expect(await problemCode(refused)).toBe("forbidden");

    const seen = await pullOk(viewer, spaceId, "cursor=0");
    expect(seen.changes.map((c) => c.key)).toEqual(["t1"]);
    expect((await pullOk(owner, spaceId, "cursor=0")).changes.map((c) => c.key)).toEqual(["t1"]);
  });

  it("answers outsiders 404 on every space route, and changes nothing for them", async () => {
    const owner = await user();
    const outsider = await user();
    const spaceId = await createSpace(owner);
    await pushOk(owner, spaceId, newClientId(), [putTask(1, "t1", { title: "secret", done: false })]);

    const attempts = [
      await push(outsider, spaceId, newClientId(), [putTask(1, "t1", { title: "mine now", done: true })]),
      await pull(outsider, spaceId, "cursor=0"),
      await call(`/v1/spaces/${spaceId}/members`, { token: outsider.token }),
      await call(`/v1/spaces/${spaceId}/members`, {
        method: "POST",
        token: outsider.token,
        json: { userId: outsider.userId, role: "editor" },
      }),
      await call(`/v1/sync/${spaceId}/socket`, { token: outsider.token, headers: { Upgrade: "websocket" } }),
      // Someone else's personal space, and one that does not exist, look the same.
      await pull(outsider, `p_${owner.userId}`, "cursor=0"),
      await pull(outsider, crypto.randomUUID(), "cursor=0"),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(await problemCode(res)).toBe("not_found");
    }
    const state = await pullOk(owner, spaceId, "cursor=0");
    expect(state.changes.map((c) => c.value)).toEqual([{ title: "secret", done: false }]);
    const members = await call(`/v1/spaces/${spaceId}/members`, { token: owner.token });
    expect((await members.json<{ members: { userId: string }[] }>()).members.map((m) => m.userId)).toEqual([
      owner.userId,
    ]);
  });

  it("lets only the owner manage members, never changing the owner's role", async () => {
    const owner = await user();
    const editor = await user();
    const other = await user();
    const spaceId = await createSpace(owner);
    await addMember(owner, spaceId, editor.userId, "editor");
    const byEditor = await call(`/v1/spaces/${spaceId}/members`, {
      method: "POST",
      token: editor.token,
      json: { userId: other.userId, role: "editor" },
    });
    expect(byEditor.status).toBe(403);
    const demoteOwner = await call(`/v1/spaces/${spaceId}/members`, {
      method: "POST",
      token: owner.token,
      json: { userId: owner.userId, role: "viewer" },
    });
    expect(demoteOwner.status).toBe(403);
    const unknownUser = await call(`/v1/spaces/${spaceId}/members`, {
      method: "POST",
      token: owner.token,
      json: { userId: crypto.randomUUID(), role: "viewer" },
    });
    expect(unknownUser.status).toBe(404);
    const badRole = await call(`/v1/spaces/${spaceId}/members`, {
      method: "POST",
      token: owner.token,
      json: { userId: other.userId, role: "owner" },
    });
    expect(badRole.status).toBe(400);
    const members = await call(`/v1/spaces/${spaceId}/members`, { token: editor.token });
    expect((await members.json<{ members: { userId: string; role: string }[] }>()).members).toEqual([
      expect.objectContaining({ userId: owner.userId, role: "owner" }),
      expect.objectContaining({ userId: editor.userId, role: "editor" }),
    ]);
    // Demoting the editor takes effect on the next push.
    await addMember(owner, spaceId, editor.userId, "viewer");
    expect(
      (await push(editor, spaceId, newClientId(), [putTask(1, "x", { title: "x", done: false })])).status,
    ).toBe(403);
  });

  it("removes a member: their pushes and pulls get 404 and their socket closes with 4003", async () => {
    const owner = await user();
    const editor = await user();
    const viewer = await user();
    const spaceId = await createSpace(owner);
    await addMember(owner, spaceId, editor.userId, "editor");
    await addMember(owner, spaceId, viewer.userId, "viewer");
    const res = await exports.default.fetch(
      new Request(`http://outpost.test/v1/sync/${spaceId}/socket?token=${editor.token}`, {
        headers: { Upgrade: "websocket" },
      }),
    );
    const ws = res.webSocket;
    if (!ws) throw new Error("no socket");
    const closed = new Promise<number>((resolve) =>
      ws.addEventListener("close", (event) => resolve(event.code)),
    );
    ws.accept();

    const remove = (who: Caller, userId: string) =>
      call(`/v1/spaces/${spaceId}/members/${userId}`, { method: "DELETE", token: who.token });
    expect((await remove(editor, viewer.userId)).status).toBe(403);
    expect((await remove(owner, owner.userId)).status).toBe(403);
    expect((await remove(owner, crypto.randomUUID())).status).toBe(404);
    expect((await remove(owner, editor.userId)).status).toBe(204);
    expect(await closed).toBe(4003);

    const clientId = newClientId();
    expect(
      (await push(editor, spaceId, clientId, [putTask(1, "x", { title: "x", done: false })])).status,
    ).toBe(404);
    expect((await pull(editor, spaceId, "cursor=0")).status).toBe(404);
    // A member may leave on their own.
    expect((await remove(viewer, viewer.userId)).status).toBe(204);
    expect((await pull(viewer, spaceId, "cursor=0")).status).toBe(404);
    expect((await pullOk(owner, spaceId, "cursor=0")).changes).toEqual([]);
  });

  it("refuses to share a personal space", async () => {
    const owner = await user();
    const friend = await user();
    const res = await call("/v1/spaces/me/members", {
      method: "POST",
      token: owner.token,
      json: { userId: friend.userId, role: "editor" },
    });
    expect(res.status).toBe(403);
    expect((await pull(friend, `p_${owner.userId}`, "cursor=0")).status).toBe(404);
  });

  it("validates the space name", async () => {
    const owner = await user();
    for (const json of [{}, { name: "" }, { name: "x".repeat(201) }, { name: "ok", extra: 1 }]) {
      const res = await call("/v1/spaces", { method: "POST", token: owner.token, json });
      expect(res.status).toBe(400);
      expect(await problemCode(res)).toBe("invalid_body");
    }
    const res = await call("/v1/spaces", { token: owner.token });
    expect((await res.json<{ spaces: unknown[] }>()).spaces).toHaveLength(1);
  });
});
