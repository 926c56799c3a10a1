import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";
import {
  AppReplica,
  type Device,
  deviceHeaders,
  openSocket,
  type PokeSocket,
  refusedUpgrade,
  type WireRecord,
} from "./sync-client";

// Offline sync as a new user would try it: the built worker on a real port, devices signed in
// against the fake OIDC issuer, edits queued while "offline" and pushed later over real HTTP,
// pokes over real WebSockets, background pushes arriving at the fake FCM/APNs.

let worker: StartedWorker;
let alicePhone: Device;
let aliceTablet: Device;
let bob: Device;
let carol: Device;
let dave: Device;
/** The shared space of scenarios 1, 2 and 4: Alice owns it, Bob edits, Carol views. */
let tripId: string;

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  user: { id: string; anonymous: boolean };
}

interface Problem {
  code?: string;
}

async function signInWithOidc(name: string, sub: string, platform: Device["platform"]): Promise<Device> {
  const nonce = crypto.randomUUID();
  const minted = await fetchJson<{ idToken: string }>(worker.fakes.controlUrl, "/oidc/id-token", {
    method: "POST",
    json: { sub, email: `${sub}@example.com`, nonce },
  });
  expect(minted.status).toBe(200);
  const deviceId = crypto.randomUUID();
  const res = await fetchJson<TokenPair>(worker.url, "/v1/auth/oidc", {
    method: "POST",
    headers: { "X-Platform": platform },
    json: { provider: worker.fakes.oidc.name, idToken: minted.body.idToken, nonce, deviceId },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return device(name, res.body, deviceId, platform);
}

/** Anonymous sign-in, then a refresh: the device works with the rotated pair, as an app does. */
async function signInAnonymously(name: string, platform: Device["platform"]): Promise<Device> {
  const deviceId = crypto.randomUUID();
  const first = await fetchJson<TokenPair>(worker.url, "/v1/auth/anonymous", {
    method: "POST",
    headers: { "X-Platform": platform },
    json: { deviceId },
  });
  expect(first.status).toBe(200);
  const refreshed = await fetchJson<TokenPair>(worker.url, "/v1/auth/refresh", {
    method: "POST",
    json: { refreshToken: first.body.refreshToken },
  });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.refreshToken).not.toBe(first.body.refreshToken);
  const me = await fetchJson<{ id: string }>(worker.url, "/v1/me", { token: refreshed.body.accessToken });
  expect(me.body.id).toBe(first.body.user.id);
  return device(name, { ...refreshed.body, user: first.body.user }, deviceId, platform);
}

function device(name: string, pair: TokenPair, deviceId: string, platform: Device["platform"]): Device {
  return {
    base: worker.url,
    name,
    userId: pair.user.id,
    accessToken: pair.accessToken,
    deviceId,
    platform,
    appVersion: "3.2.1",
  };
}

async function createSpace(owner: Device, name: string, members: [Device, "editor" | "viewer"][]) {
  const created = await fetchJson<{ id: string; role: string }>(worker.url, "/v1/spaces", {
    method: "POST",
    headers: deviceHeaders(owner),
    json: { name },
  });
  expect(created.status).toBe(201);
  expect(created.body.role).toBe("owner");
  for (const [member, role] of members) {
    const added = await fetchJson(worker.url, `/v1/spaces/${created.body.id}/members`, {
      method: "POST",
      headers: deviceHeaders(owner),
      json: { userId: member.userId, role },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
  }
  return created.body.id;
}

interface RecordRow {
  collection: string;
  key: string;
  version: number;
  deleted: number;
  value: string | null;
}

/** The server's truth, read from D1 itself rather than through the API under test. */
async function serverState(
  spaceId: string,
): Promise<{ version: number; live: WireRecord[]; all: WireRecord[] }> {
  const db = await worker.mf.getD1Database("DB");
  const space = await db
    .prepare("SELECT version FROM spaces WHERE id = ?")
    .bind(spaceId)
    .first<{ version: number }>();
  const rows = await db
    .prepare("SELECT collection, key, version, deleted, value FROM records WHERE space_id = ?")
    .bind(spaceId)
    .all<RecordRow>();
  const all: WireRecord[] = (rows.results as RecordRow[])
    .map((r) => ({
      collection: r.collection,
      key: r.key,
      version: r.version,
      deleted: r.deleted === 1,
      value: r.value === null ? null : (JSON.parse(r.value) as Record<string, unknown>),
    }))
    .sort((a, b) => `${a.collection}/${a.key}`.localeCompare(`${b.collection}/${b.key}`));
  return { version: space?.version ?? -1, live: all.filter((r) => !r.deleted), all };
}

/** What D1 hands out as a bookmark (API.md "Reads near the phone"). */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** What the fake FCM/APNs accepted for one device's token (newest first). */
interface Delivery {
  headers: Record<string, string>;
  payload: unknown;
  summary: { silent: boolean; data: Record<string, unknown> };
}

async function deliveries(
  tokens: Map<Device, { provider: "fcm" | "apns"; token: string }>,
  who: Device,
): Promise<Delivery[]> {
  const t = tokens.get(who);
  if (!t) throw new Error(`${who.name} has no push token`);
  const q = new URLSearchParams({ provider: t.provider, token: t.token });
  const res = await fetchJson<Delivery[]>(worker.fakes.controlUrl, `/deliveries?${q}`);
  expect(res.status).toBe(200);
  return res.body;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const socketUrl = (spaceId: string, query = "") => `${worker.url}/v1/sync/${spaceId}/socket${query}`;

beforeAll(async () => {
  worker = await startWorker();
  const aliceSub = `alice-${crypto.randomUUID()}`;
  alicePhone = await signInWithOidc("Alice's phone", aliceSub, "ios");
  aliceTablet = await signInWithOidc("Alice's iPad", aliceSub, "ios");
  bob = await signInWithOidc("Bob's phone", `bob-${crypto.randomUUID()}`, "android");
  carol = await signInAnonymously("Carol's phone", "android");
  dave = await signInAnonymously("Dave's phone", "ios");
  tripId = await createSpace(alicePhone, "Trip", [
    [bob, "editor"],
    [carol, "viewer"],
  ]);
});

afterAll(async () => {
  await worker?.stop();
});

describe("offline sync end to end, over real sockets", () => {
  it("signs one user in on two devices as two sessions of the same user", async () => {
    expect(aliceTablet.userId).toBe(alicePhone.userId);
    expect(alicePhone.accessToken).not.toBe(aliceTablet.accessToken);
    const sessions = await fetchJson<{ deviceId: string | null }[]>(worker.url, "/v1/sessions", {
      headers: deviceHeaders(alicePhone),
    });
    expect(sessions.status).toBe(200);
    expect(sessions.body.map((s) => s.deviceId).sort()).toEqual(
      [alicePhone.deviceId, aliceTablet.deviceId].sort(),
    );
    const members = await fetchJson<{ members: { userId: string; role: string }[] }>(
      worker.url,
      `/v1/spaces/${tripId}/members`,
      { headers: deviceHeaders(carol) },
    );
    expect(members.body.members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [alicePhone.userId, "owner"],
        [bob.userId, "editor"],
        [carol.userId, "viewer"],
      ].sort(),
    );
  });

  it("keeps two devices and a shared space in sync through offline edits, a lost response and conflicts", async () => {
    const phone = new AppReplica(alicePhone, tripId);
    const tablet = new AppReplica(aliceTablet, tripId);
    const bobApp = new AppReplica(bob, tripId);
    const carolApp = new AppReplica(carol, tripId);

    // Online: the phone writes the first records, everyone syncs.
    phone.edit("put", "tasks", "bread", { title: "Buy bread", done: false });
    phone.edit("put", "tasks", "tickets", { title: "Book tickets", done: false });
    phone.edit("put", "notes", "plan", { title: "Plan", body: "Day 1: museum" });
    const first = await phone.push();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ lastMutationId: 3, version: 3 });
    expect(phone.outbox).toEqual([]);
    for (const app of [phone, tablet, bobApp, carolApp]) {
      const pulled = await app.pull();
      expect(pulled.changes.map((c) => c.key).sort()).toEqual(["bread", "plan", "tickets"]);
      expect(app.cursor).toBe(3);
    }

    // Offline, everyone edits.
    phone.edit("patch", "tasks", "bread", { done: true });
    phone.edit("patch", "notes", "plan", { body: "Day 1: museum. Day 2: beach" });
    const phoneRenames = phone.edit("patch", "tasks", "tickets", { title: "Book train tickets" });
    tablet.edit("patch", "tasks", "bread", { title: "Buy sourdough bread" });
    tablet.edit("patch", "notes", "plan", { body: "Day 1: zoo" });
    tablet.edit("put", "tasks", "bags", { title: "Pack bags", done: false });
    bobApp.edit("delete", "tasks", "tickets");
    bobApp.edit("put", "tasks", "milk", { title: "Milk", done: false });
    expect((await serverState(tripId)).version).toBe(3);

    // Back online, one after the other. Bob first: his delete lands before the phone's rename.
    const bobPush = await bobApp.push();
    expect(bobPush.status).toBe(200);
    expect(bobPush.body.results.map((r) => r.status)).toEqual(["applied", "applied"]);
    expect(bobPush.body.version).toBe(5);

    // The tablet's answer is lost on the way back; the app retries the same batch.
    await tablet.pushAndLoseResponse();
    expect(tablet.outbox).toHaveLength(3);
    const afterLost = await serverState(tripId);
    expect(afterLost.version).toBe(8);
    const retry = await tablet.push();
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ lastMutationId: 3, version: 8, results: [] });
    expect(tablet.outbox).toEqual([]);
    expect(await serverState(tripId)).toEqual(afterLost);

    const phonePush = await phone.push();
    expect(phonePush.status).toBe(200);
    const [breadResult, planResult, ticketsResult] = phonePush.body.results;
    // Same record, different fields, two devices: both edits survive (field-level merge).
    expect(breadResult).toMatchObject({
      status: "applied",
      record: { value: { title: "Buy sourdough bread", done: true }, version: 9 },
    });
    // notes reject stale edits: the phone is told the current note instead.
    expect(planResult).toMatchObject({
      status: "conflict",
      error: { code: "conflict" },
      record: { key: "plan", deleted: false, value: { title: "Plan", body: "Day 1: zoo" } },
    });
    // Delete wins over the concurrent rename: a conflict carrying the tombstone.
    expect(ticketsResult).toMatchObject({
      id: phoneRenames.id,
      status: "conflict",
      record: { key: "tickets", deleted: true, value: null },
    });
    expect(phonePush.body).toMatchObject({ lastMutationId: 6, version: 9 });
    expect(phone.outbox).toEqual([]);

    // The phone's user merges the note by hand, on top of what the server said.
    await phone.pull();
    expect(phone.get("notes", "plan")?.value).toEqual({ title: "Plan", body: "Day 1: zoo" });
    phone.edit("patch", "notes", "plan", { body: "Day 1: zoo. Day 2: beach" });
    const resolved = await phone.push();
    expect(resolved.body.results).toMatchObject([{ id: 7, status: "applied" }]);
    expect(resolved.body.version).toBe(10);

    // Everyone syncs; every copy equals the server's and each other's.
    const expected = [
      { collection: "notes", key: "plan", value: { title: "Plan", body: "Day 1: zoo. Day 2: beach" } },
      { collection: "tasks", key: "bags", value: { title: "Pack bags", done: false } },
      { collection: "tasks", key: "bread", value: { title: "Buy sourdough bread", done: true } },
      { collection: "tasks", key: "milk", value: { title: "Milk", done: false } },
    ];
    const server = await serverState(tripId);
    expect(server.version).toBe(10);
    expect(server.live.map((r) => ({ collection: r.collection, key: r.key, value: r.value }))).toEqual(
      expected,
    );
    expect(server.all.find((r) => r.key === "tickets")).toMatchObject({ deleted: true, value: null });
    const lastIds = new Map([
      [phone, 7],
      [tablet, 3],
      [bobApp, 2],
      [carolApp, 0],
    ]);
    for (const [app, lastMutationId] of lastIds) {
      const pulled = await app.pull();
      // Each record at most once per pull, in its latest state.
      const keys = pulled.changes.map((c) => `${c.collection}/${c.key}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(pulled.lastMutationId).toBe(lastMutationId);
      expect(app.cursor).toBe(10);
      expect(app.get("tasks", "tickets")).toMatchObject({ deleted: true });
      expect(app.state()).toEqual(server.live);
    }
    // A fresh install syncing from zero sees the same, tombstone included.
    const fresh = new AppReplica(aliceTablet, tripId);
    const snapshot = await fresh.pull(2);
    expect(snapshot.pages).toBeGreaterThan(1);
    expect(fresh.state()).toEqual(server.live);
    expect(fresh.all()).toEqual(server.all);
  });

  it("pokes live sockets when another member pushes, and refuses bad tokens before the upgrade", async () => {
    const before = (await serverState(tripId)).version;
    const bad = `${aliceTablet.accessToken.slice(0, -4)}AAAA`;
    for (const [query, headers] of [
      ["", {}],
      ["", { Authorization: `Bearer ${bad}` }],
      [`?token=${bad}`, {}],
      ["?token=not-a-jwt", {}],
    ] as const) {
      const refused = await refusedUpgrade(socketUrl(tripId, query), headers);
      expect(refused.status).toBe(401);
      expect((JSON.parse(refused.body) as Problem).code).toBe("unauthorized");
    }

    const sockets: PokeSocket[] = [
      await openSocket(socketUrl(tripId), {
        Authorization: `Bearer ${aliceTablet.accessToken}`,
        "X-Device-Id": aliceTablet.deviceId,
      }),
      await openSocket(socketUrl(tripId, `?token=${encodeURIComponent(carol.accessToken)}`)),
    ];
    try {
      // On connect: the current version (and the bookmark to read it with), so a reconnecting
      // app knows whether to pull.
      const hello = await sockets[0]!.poke(before);
      expect(hello).toEqual({ type: "poke", version: before, bookmark: expect.stringMatching(BOOKMARK) });
      expect(await sockets[1]!.poke(before)).toEqual(hello);

      const tablet = new AppReplica(aliceTablet, tripId);
      await tablet.pull();
      const bobApp = new AppReplica(bob, tripId);
      bobApp.edit("put", "tasks", "sunscreen", { title: "Sunscreen", done: false });
      const pushed = await bobApp.push();
      expect(pushed.status).toBe(200);
      expect(pushed.body.version).toBe(before + 1);
      // The push's answer names its commit; the pokes carry the same bookmark.
      expect(bobApp.bookmark! > hello.bookmark!).toBe(true);
      const poke = { type: "poke", version: before + 1, bookmark: bobApp.bookmark };
      for (const s of sockets) {
        expect(await s.poke(before + 1)).toEqual(poke);
        expect(s.messages).toEqual([hello, poke]);
      }
      // Keep-alives are answered on the same socket.
      const [tabletSocket] = sockets;
      const pong = new Promise<string>((resolve) =>
        tabletSocket?.ws.on("message", (data) => {
          if (String(data).includes("pong")) resolve(String(data));
        }),
      );
      tabletSocket?.ws.send('{"type":"ping"}');
      expect(await pong).toBe('{"type":"pong"}');
      // The poked app pulls with the poke's bookmark and has the change.
      tablet.bookmark = poke.bookmark;
      const pulled = await tablet.pull();
      expect(pulled.changes).toMatchObject([{ key: "sunscreen", version: before + 1 }]);
      expect(tablet.bookmark! >= poke.bookmark!).toBe(true);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });

  it("wakes each offline member device with one silent push per 20 minutes, never the device that made the change", async () => {
    // A space of its own, so no earlier change has used any device's background-push window.
    const spaceId = await createSpace(alicePhone, "Groceries", [
      [bob, "editor"],
      [carol, "viewer"],
    ]);
    const tokens = new Map<Device, { provider: "fcm" | "apns"; token: string }>([
      [alicePhone, { provider: "apns", token: hex(32) }],
      [aliceTablet, { provider: "apns", token: hex(32) }],
      [bob, { provider: "fcm", token: `fcm-${crypto.randomUUID()}:${hex(20)}` }],
      [carol, { provider: "fcm", token: `fcm-${crypto.randomUUID()}:${hex(20)}` }],
    ]);
    for (const [who, { provider, token }] of tokens) {
      const res = await fetchJson(worker.url, `/v1/devices/${who.deviceId}`, {
        method: "PUT",
        headers: deviceHeaders(who),
        json: {
          platform: who.platform,
          pushProvider: provider,
          pushToken: token,
          appVersion: who.appVersion,
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const count = async (who: Device) => (await deliveries(tokens, who)).length;
    const counts = async () => Promise.all([alicePhone, aliceTablet, bob, carol].map(count));

    // Carol's phone is online (its socket names the device): it is poked, not pushed.
    const carolSocket = await openSocket(
      socketUrl(spaceId, `?token=${encodeURIComponent(carol.accessToken)}&deviceId=${carol.deviceId}`),
    );
    try {
      await carolSocket.poke(0);
      const phone = new AppReplica(alicePhone, spaceId);
      phone.edit("put", "tasks", "eggs", { title: "Eggs", done: false });
      expect((await phone.push()).body.version).toBe(1);
      await carolSocket.poke(1);
      await waitFor(
        async () => (await count(aliceTablet)) >= 1 && (await count(bob)) >= 1,
        "the first pushes",
      );

      const [fcm] = await deliveries(tokens, bob);
      const fcmMessage = (fcm?.payload as { message?: Record<string, unknown> } | undefined)?.message;
      // A data-only message: nothing shown, the app syncs in the background.
      expect(fcmMessage).toBeDefined();
      expect(fcmMessage).not.toHaveProperty("notification");
      expect(fcmMessage?.data).toMatchObject({ type: "sync", spaceId, version: "1" });
      // The bookmark of the change, so the background pull reads it on any replica.
      expect(fcmMessage?.data).toMatchObject({ bookmark: phone.bookmark });
      expect(fcm?.summary.silent).toBe(true);
      const [apns] = await deliveries(tokens, aliceTablet);
      expect(apns?.headers["apns-push-type"]).toBe("background");
      expect(apns?.headers["apns-priority"]).toBe("5");
      expect(apns?.payload).toMatchObject({ type: "sync", spaceId, version: "1", bookmark: phone.bookmark });
      const aps = (apns?.payload as { aps?: Record<string, unknown> } | undefined)?.aps;
      expect(aps).toEqual({ "content-available": 1 });

      // A second change inside the window: pokes, but no second push to anyone.
      phone.edit("put", "tasks", "flour", { title: "Flour", done: false });
      expect((await phone.push()).body.version).toBe(2);
      await carolSocket.poke(2);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await counts()).toEqual([0, 1, 1, 0]);

      // Bob changes something: now Alice's phone (not the origin this time) is woken, with a
      // token that works; the tablet and Bob stay inside their windows.
      const bobApp = new AppReplica(bob, spaceId);
      bobApp.edit("patch", "tasks", "eggs", { done: true });
      expect((await bobApp.push()).body.version).toBe(3);
      await waitFor(async () => (await count(alicePhone)) >= 1, "the push to Alice's phone");
      expect((await deliveries(tokens, alicePhone))[0]?.payload).toMatchObject({ version: "3" });
    } finally {
      await carolSocket.close();
    }
    // Once Carol's socket is gone, her phone is offline like the others and gets its one push.
    const bobApp = new AppReplica(bob, spaceId);
    bobApp.edit("put", "tasks", "salt", { title: "Salt", done: false });
    expect((await bobApp.push()).body.version).toBe(4);
    await waitFor(async () => (await count(carol)) >= 1, "the push to Carol's phone");
    await new Promise((r) => setTimeout(r, 500));
    expect(await counts()).toEqual([1, 1, 1, 1]);
    expect((await deliveries(tokens, carol))[0]?.payload).toMatchObject({
      message: { data: { type: "sync", spaceId, version: "4" } },
    });
  });

  it("lets a viewer pull but not push, and answers an outsider 404 everywhere, changing nothing", async () => {
    const before = await serverState(tripId);
    const carolApp = new AppReplica(carol, tripId);
    await carolApp.pull();
    expect(carolApp.state()).toEqual(before.live);
    carolApp.edit("put", "tasks", "viewer-was-here", { title: "Nope", done: false });
    const refused = await carolApp.push();
    expect(refused.status).toBe(403);
    expect((refused.body as Problem).code).toBe("forbidden");

    const daveApp = new AppReplica(dave, tripId);
    daveApp.edit("delete", "tasks", "bread");
    const daveHeaders = deviceHeaders(dave);
    const attempts = [
      await fetchJson<Problem>(worker.url, `/v1/sync/${tripId}/pull?cursor=0`, { headers: daveHeaders }),
      await fetchJson<Problem>(worker.url, `/v1/sync/${tripId}/push`, {
        method: "POST",
        headers: daveHeaders,
        json: { clientId: daveApp.clientId, mutations: daveApp.outbox },
      }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
    for (const [query, headers] of [
      ["", { Authorization: `Bearer ${dave.accessToken}` }],
      [`?token=${encodeURIComponent(dave.accessToken)}`, {}],
    ] as const) {
      const socket = await refusedUpgrade(socketUrl(tripId, query), headers);
      expect(socket.status).toBe(404);
      expect((JSON.parse(socket.body) as Problem).code).toBe("not_found");
    }
    expect(await serverState(tripId)).toEqual(before);
  });

  it("closes a socket within 30 seconds of its session's logout, on the object's own alarm", async () => {
    const app = await signInAnonymously("Erin's phone", "ios");
    const socket = await openSocket(socketUrl("me", `?token=${encodeURIComponent(app.accessToken)}`));
    await socket.poke(0);
    const loggedOut = await fetchJson(worker.url, "/v1/auth/logout", {
      method: "POST",
      headers: deviceHeaders(app),
    });
    expect(loggedOut.status).toBe(204);
    // The server's close frame moves the socket to CLOSING at once; ws only emits "close" when the
    // TCP connection ends, which the local runtime may hold for ws's 30 s close timeout. So the
    // frame itself is what is awaited, and its code read from ws's state.
    const state = socket.ws as unknown as { _closeFrameReceived: boolean; _closeCode: number };
    const deadline = Date.now() + 30_000;
    while (!state._closeFrameReceived && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(state._closeFrameReceived).toBe(true);
    expect(state._closeCode).toBe(4001);
  });
});
