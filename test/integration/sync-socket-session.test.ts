import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SOCKET_SESSION_CHECK_MS } from "../../worker/sync/space-rpc";
import { anonymousUser, call, mintIdToken } from "../setup/http";
import { newClientId, pushOk, putTask } from "./sync-helpers";

/** A socket as the app holds it: the pokes it got and how it closed, if it did. */
interface Socket {
  ws: WebSocket;
  pokes: number[];
  closed: Promise<{ code: number; reason: string }>;
  isOpen: () => boolean;
}

async function openSocket(spaceId: string, token: string): Promise<Socket> {
  const res = await exports.default.fetch(
    new Request(`http://outpost.test/v1/sync/${spaceId}/socket?token=${token}`, {
      headers: { Upgrade: "websocket" },
    }),
  );
  const ws = res.webSocket;
  if (!ws) throw new Error(`no socket (status ${res.status})`);
  ws.accept();
  const pokes: number[] = [];
  let open = true;
  ws.addEventListener("message", (e) =>
    pokes.push((JSON.parse(String(e.data)) as { version: number }).version),
  );
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => {
      open = false;
      resolve({ code: e.code, reason: e.reason });
    }),
  );
  return { ws, pokes, closed, isOpen: () => open };
}

const within = <T>(promise: Promise<T>, ms = 5_000) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("socket did not close")), ms)),
  ]);

const stubOf = (spaceId: string) => env.SYNC_SPACE.get(env.SYNC_SPACE.idFromName(spaceId));

/** One person signed in on two devices (two sessions), through the fake issuer. */
async function twoSessions(): Promise<{ userId: string; a: string; b: string }> {
  const idToken = await mintIdToken({ sub: `socket-${crypto.randomUUID()}` });
  const tokens: string[] = [];
  let userId = "";
  for (const deviceId of [crypto.randomUUID(), crypto.randomUUID()]) {
    const res = await call("/v1/auth/oidc", {
      method: "POST",
      json: { provider: env.OIDC_PROVIDER_NAME, idToken, deviceId },
    });
    expect(res.status).toBe(200);
    const body = await res.json<{ accessToken: string; user: { id: string } }>();
    tokens.push(body.accessToken);
    userId = body.user.id;
  }
  return { userId, a: tokens[0] ?? "", b: tokens[1] ?? "" };
}

describe("a sync socket ends with its session", () => {
  it("checks its session within 25 s while open, and sets no alarm once no socket is open", async () => {
    const u = await anonymousUser();
    const spaceId = `p_${u.userId}`;
    const before = Date.now();
    const socket = await openSocket("me", u.accessToken);
    const alarm = await runInDurableObject(stubOf(spaceId), (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm ?? Infinity).toBeLessThanOrEqual(Date.now() + SOCKET_SESSION_CHECK_MS);
    expect(alarm ?? 0).toBeGreaterThanOrEqual(before);
    // A live session keeps its socket through the check.
    expect(await runDurableObjectAlarm(stubOf(spaceId))).toBe(true);
    expect(socket.isOpen()).toBe(true);
    socket.ws.close(1000, "bye");
    await socket.closed;
    // Nothing else to do for this space (never written): once the socket is gone, no alarm.
    await new Promise((r) => setTimeout(r, 100));
    await runDurableObjectAlarm(stubOf(spaceId));
    expect(await runInDurableObject(stubOf(spaceId), (_i, state) => state.storage.getAlarm())).toBeNull();
  });

  it("closes the socket after logout", async () => {
    const u = await anonymousUser();
    const spaceId = `p_${u.userId}`;
    const socket = await openSocket("me", u.accessToken);
    expect((await call("/v1/auth/logout", { method: "POST", token: u.accessToken })).status).toBe(204);
    expect(await runDurableObjectAlarm(stubOf(spaceId))).toBe(true);
    expect(await within(socket.closed)).toEqual({ code: 4001, reason: "session ended" });
  });

  it("closes only the revoked session's socket after DELETE /v1/sessions/{id} from another device", async () => {
    const { userId, a, b } = await twoSessions();
    const spaceId = `p_${userId}`;
    const onA = await openSocket("me", a);
    const onB = await openSocket("me", b);
    const listed = await (
      await call("/v1/sessions", { token: a })
    ).json<{ id: string; current: boolean }[]>();
    const other = listed.find((s) => !s.current);
    expect(other).toBeDefined();
    expect((await call(`/v1/sessions/${other?.id}`, { method: "DELETE", token: a })).status).toBe(204);
    expect(await runDurableObjectAlarm(stubOf(spaceId))).toBe(true);
    expect(await within(onB.closed)).toEqual({ code: 4001, reason: "session ended" });
    expect(onA.isOpen()).toBe(true);
    // The surviving socket still gets pokes.
    const res = await pushOk({ token: a }, "me", newClientId(), [
      putTask(1, "a", { title: "a", done: false }),
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(onA.pokes).toContain(res.version);
    onA.ws.close(1000, "bye");
  });

  it("closes a socket whose session was revoked as a family (refresh token reuse)", async () => {
    const u = await anonymousUser();
    const spaceId = `p_${u.userId}`;
    const socket = await openSocket("me", u.accessToken);
    // What a detected reuse does to the family: every token of the session is dead.
    await env.DB.prepare("UPDATE sessions SET revoked_at = ?, revoked_reason = 'reuse' WHERE user_id = ?")
      .bind(Date.now(), u.userId)
      .run();
    expect(await runDurableObjectAlarm(stubOf(spaceId))).toBe(true);
    expect(await within(socket.closed)).toEqual({ code: 4001, reason: "session ended" });
  });

  it("closes a socket whose access token has expired, though its session lives on", async () => {
    const u = await anonymousUser();
    const spaceId = `p_${u.userId}`;
    const socket = await openSocket("me", u.accessToken);
    // Fifteen minutes on, as the socket sees it: its token's expiry is now in the past.
    await runInDurableObject(stubOf(spaceId), (_i, state) => {
      for (const ws of state.getWebSockets()) {
        const attachment = ws.deserializeAttachment() as { expiresAt: number };
        ws.serializeAttachment({ ...attachment, expiresAt: Date.now() - 1 });
      }
    });
    expect(await runDurableObjectAlarm(stubOf(spaceId))).toBe(true);
    expect(await within(socket.closed)).toEqual({ code: 4001, reason: "access token expired" });
  });
});
