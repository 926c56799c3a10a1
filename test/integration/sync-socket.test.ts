import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PokeMessage } from "../../worker/sync/protocol";
import { anonymousUser } from "../setup/http";
import { addMember, createSpace, newClientId, problemCode, pushOk, putTask } from "./sync-helpers";

function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(
    new Request(`http://outpost.test${path}`, { headers: { Upgrade: "websocket", ...headers } }),
  );
}

/** Accepts the client end and collects the pokes it receives. */
function open(res: Response): {
  ws: WebSocket;
  pokes: PokeMessage[];
  next: (version: number) => Promise<void>;
} {
  const ws = res.webSocket;
  if (!ws) throw new Error(`no WebSocket (status ${res.status})`);
  ws.accept();
  const pokes: PokeMessage[] = [];
  const waiters: { version: number; resolve: () => void }[] = [];
  ws.addEventListener("message", (event) => {
    const poke = JSON.parse(String(event.data)) as PokeMessage;
    pokes.push(poke);
    for (const w of waiters.filter((x) => poke.version >= x.version)) w.resolve();
  });
  const next = (version: number) =>
    new Promise<void>((resolve, reject) => {
      if (pokes.some((p) => p.version >= version)) return resolve();
      const timer = setTimeout(() => reject(new Error(`no poke for version ${version}`)), 5_000);
      waiters.push({
        version,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return { ws, pokes, next };
}

/** Pokes carry the bookmark of their change (API.md "Reads near the phone"). */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

describe("GET /v1/sync/{spaceId}/socket", () => {
  it("refuses a missing, malformed or forged token with 401 before upgrading", async () => {
    const u = await anonymousUser();
    const forged = `${u.accessToken.slice(0, -4)}AAAA`;
    const attempts = [
      await upgrade("/v1/sync/me/socket"),
      await upgrade("/v1/sync/me/socket?token=not-a-jwt"),
      await upgrade(`/v1/sync/me/socket?token=${forged}`),
      await upgrade("/v1/sync/me/socket", { Authorization: `Bearer ${forged}` }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(401);
      expect(res.webSocket).toBeNull();
      expect(await problemCode(res)).toBe("unauthorized");
    }
  });

  it("answers a non-member 404 without upgrading", async () => {
    const owner = await anonymousUser();
    const outsider = await anonymousUser();
    const spaceId = await createSpace({ token: owner.accessToken });
    const res = await upgrade(`/v1/sync/${spaceId}/socket?token=${outsider.accessToken}`);
    expect(res.status).toBe(404);
    expect(res.webSocket).toBeNull();
  });

  it("sends the current version on connect and a poke for every commit, to every member's socket", async () => {
    const owner = await anonymousUser();
    const viewer = await anonymousUser();
    const spaceId = await createSpace({ token: owner.accessToken });
    await addMember({ token: owner.accessToken }, spaceId, viewer.userId, "viewer");
    const byHeader = open(
      await upgrade(`/v1/sync/${spaceId}/socket`, {
        Authorization: `Bearer ${owner.accessToken}`,
        "X-Device-Id": owner.deviceId,
      }),
    );
    const byQuery = open(await upgrade(`/v1/sync/${spaceId}/socket?token=${viewer.accessToken}`));
    await byHeader.next(0);
    await byQuery.next(0);
    // No change yet, so no bookmark to read one with; every commit's poke carries one.
    expect(byHeader.pokes[0]).toEqual({ type: "poke", version: 0 });

    const clientId = newClientId();
    const first = await pushOk({ token: owner.accessToken }, spaceId, clientId, [
      putTask(1, "a", { title: "a", done: false }),
    ]);
    await Promise.all([byHeader.next(first.version), byQuery.next(first.version)]);
    const second = await pushOk({ token: owner.accessToken }, spaceId, clientId, [
      putTask(2, "b", { title: "b", done: false }),
      putTask(3, "c", { title: "c", done: false }),
    ]);
    await Promise.all([byHeader.next(second.version), byQuery.next(second.version)]);
    expect(byQuery.pokes).toEqual([
      { type: "poke", version: 0 },
      ...[1, 3].map((version) => ({ type: "poke", version, bookmark: expect.stringMatching(BOOKMARK) })),
    ]);
    // Each commit's bookmark is newer than the last.
    const [one, three] = byQuery.pokes.slice(1).map((p) => p.bookmark ?? "");
    expect(three! > one!).toBe(true);
    // A push that changes nothing (a retry) moves no version and pokes nobody.
    await pushOk({ token: owner.accessToken }, spaceId, clientId, [
      putTask(3, "c", { title: "c", done: false }),
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(byQuery.pokes).toHaveLength(3);
    byHeader.ws.close(1000, "bye");
    byQuery.ws.close(1000, "bye");
  });

  it("answers a ping with a pong", async () => {
    const u = await anonymousUser();
    const res = await upgrade(`/v1/sync/me/socket?token=${u.accessToken}`);
    const ws = res.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    const pong = new Promise<string>((resolve) =>
      ws.addEventListener("message", (event) => {
        if (String(event.data).includes("pong")) resolve(String(event.data));
      }),
    );
    ws.send('{"type":"ping"}');
    expect(await pong).toBe('{"type":"pong"}');
    ws.close(1000, "bye");
  });

  it("opens the caller's personal space as me", async () => {
    const u = await anonymousUser();
    const socket = open(await upgrade(`/v1/sync/me/socket?token=${u.accessToken}`));
    const res = await pushOk({ token: u.accessToken }, "me", newClientId(), [
      putTask(1, "a", { title: "a", done: false }),
    ]);
    await socket.next(res.version);
    expect(socket.pokes.at(-1)).toEqual({
      type: "poke",
      version: 1,
      bookmark: expect.stringMatching(BOOKMARK),
    });
    socket.ws.close(1000, "bye");
  });
});
