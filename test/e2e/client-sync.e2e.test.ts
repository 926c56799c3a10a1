import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/index";
import { isPull, isPush } from "../fakes/faulty-fetch";
import { startFlakyProxy } from "../fakes/flaky-proxy";
import { eventually, launch, type TestApp } from "./client-harness";
import { byKey, serverState } from "./client-server-state";
import { type StartedWorker, startWorker } from "./start-worker";

// The SDK against the real Worker over real sockets: the app killed at every step of a push,
// lost responses, gaps, resyncs, and edits surfacing as events when the server says no.

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

const task = (title: string, done = false) => ({ title, done });

async function idToken(sub: string) {
  const nonce = crypto.randomUUID();
  const res = await fetch(`${worker.fakes.controlUrl}/oidc/id-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sub, email: `${sub}@example.com`, nonce }),
  });
  const { idToken } = (await res.json()) as { idToken: string };
  return { provider: worker.fakes.oidc.name, idToken, nonce };
}

/** A shared space created through the SDK's generic request (the SDK wraps no spaces API). */
async function sharedSpace(owner: TestApp, members: string[]): Promise<string> {
  const created = await owner.outpost.request<{ id: string }>("POST", "/v1/spaces", {
    body: { name: "Trip" },
  });
  for (const userId of members)
    await owner.outpost.request("POST", `/v1/spaces/${created.id}/members`, {
      body: { userId, role: "editor" },
    });
  return created.id;
}

async function signedIn(storage = memoryStorage()) {
  const app = await launch(worker.url, storage, { sockets: false });
  const user = await app.outpost.auth.signInAnonymously();
  return { app, storage, user, spaceId: `p_${user.id}` };
}

describe("@outpost/client sync against the Worker", () => {
  it("keeps edits made offline and sends them once the network is back", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    app.net.offline = true;
    await me.put("tasks", "t1", task("Buy milk"));
    await me.patch("tasks", "t1", { done: true });
    expect(me.get("tasks", "t1")).toEqual(task("Buy milk", true));
    await expect(me.flush()).rejects.toMatchObject({ code: "network", retryable: true });
    expect(me.status).toMatchObject({ pending: 2, online: false });
    app.net.offline = false;
    await me.flush();
    expect(me.status).toMatchObject({ pending: 0, online: true });
    const server = await serverState(worker, spaceId, storage);
    expect(byKey(server.live)).toEqual({ t1: task("Buy milk", true) });
    expect(server.version).toBe(2);
    expect(me.list("tasks")).toEqual([{ key: "t1", value: task("Buy milk", true) }]);
  });

  it("converges after the app is killed before its push left, every mutation applied once", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    for (let i = 0; i < 5; i++) await me.put("tasks", `k${i}`, task(`t${i}`));
    app.net.fail(isPush, "hang");
    void me.flush().catch(() => undefined);
    await eventually(() => expect(app.net.count("POST", "/v1/sync")).toBe(1));
    app.kill();
    const relaunched = await launch(worker.url, storage, { sockets: false });
    const again = relaunched.outpost.sync.space("me");
    expect(again.status.pending).toBe(5);
    await again.flush();
    const server = await serverState(worker, spaceId, storage);
    expect(server.version).toBe(5);
    expect(byKey(again.list("tasks"))).toEqual(byKey(server.live));
  });

  it("converges after the app is killed once the server committed but before the answer came", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    for (let i = 0; i < 3; i++) await me.put("tasks", `k${i}`, task(`t${i}`));
    app.net.fail(isPush, "hang-after-send");
    void me.flush().catch(() => undefined);
    await eventually(async () => expect((await serverState(worker, spaceId, storage)).version).toBe(3));
    app.kill();
    const relaunched = await launch(worker.url, storage, { sockets: false });
    const again = relaunched.outpost.sync.space("me");
    expect(again.status.pending).toBe(3);
    await again.put("tasks", "k3", task("after relaunch"));
    await again.flush();
    const server = await serverState(worker, spaceId, storage);
    // Three resent ids skipped by the server, one new one applied: four changes, not seven.
    expect(server.version).toBe(4);
    expect(again.status.pending).toBe(0);
    expect(byKey(again.list("tasks"))).toEqual(byKey(server.live));
  });

  it("converges after the app is killed in the middle of a paginated pull", async () => {
    const sub = `user-${crypto.randomUUID()}`;
    const writerStorage = memoryStorage();
    const writer = await launch(worker.url, writerStorage, { sockets: false });
    await writer.outpost.auth.signInWithIdToken(await idToken(sub));
    const w = writer.outpost.sync.space("me");
    for (let i = 0; i < 25; i++) await w.put("tasks", `k${String(i).padStart(2, "0")}`, task(`t${i}`));
    await w.flush();
    // A second device of the same user pulls 10 per page and dies waiting for the third page.
    const storage = memoryStorage();
    const reader = await launch(worker.url, storage, { sockets: false, pullLimit: 10 });
    await reader.outpost.auth.signInWithIdToken(await idToken(sub));
    const r = reader.outpost.sync.space("me");
    let pulls = 0;
    reader.net.fail((req) => isPull(req) && ++pulls === 3, "hang");
    void r.flush().catch(() => undefined);
    await eventually(() => expect(r.list("tasks")).toHaveLength(20));
    await r.put("tasks", "mine", task("edited while pulling"));
    reader.kill();
    const relaunched = await launch(worker.url, storage, { sockets: false, pullLimit: 10 });
    const again = relaunched.outpost.sync.space("me");
    expect(again.list("tasks")).toHaveLength(21);
    await again.flush();
    const server = await serverState(worker, `p_${writer.outpost.auth.user!.id}`, writerStorage);
    expect(server.version).toBe(26);
    expect(byKey(again.list("tasks"))).toEqual(byKey(server.live));
    await w.flush();
    expect(byKey(w.list("tasks"))).toEqual(byKey(server.live));
  });

  it("retries a push whose answer was lost with the same ids, keeping the edits on screen meanwhile", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    await me.put("tasks", "t", task("one"));
    await me.patch("tasks", "t", { done: true });
    app.net.fail(isPush, "lose-response");
    await expect(me.flush()).rejects.toMatchObject({ code: "network" });
    const shown: unknown[] = [];
    me.watch("tasks", (rows) => shown.push(rows[0]?.value));
    app.net.fail(isPull, "offline");
    await expect(me.flush()).rejects.toMatchObject({ code: "network" });
    // Acknowledged by the retry (ids skipped by the server) but not pulled yet: still shown.
    expect(me.status.pending).toBe(0);
    expect(me.get("tasks", "t")).toEqual(task("one", true));
    await me.flush();
    expect(shown.every((v) => JSON.stringify(v) === JSON.stringify(task("one", true)))).toBe(true);
    const pushes = app.net.seen.filter(isPush);
    expect(
      pushes.map((r) => (r.body as { mutations: Array<{ id: number }> }).mutations.map((m) => m.id)),
    ).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect((await serverState(worker, spaceId, storage)).version).toBe(2);
  });

  it("sends a long queue in order, in batches of at most 500", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    app.net.offline = true;
    for (let i = 0; i < 1_100; i++) await me.put("tasks", `k${i}`, task(`t${i}`));
    app.net.offline = false;
    await me.flush();
    const ids = app.net.seen
      .filter((r) => isPush(r) && r.status === 200)
      .map((r) => (r.body as { mutations: Array<{ id: number }> }).mutations.map((m) => m.id));
    expect(ids.map((batch) => batch.length)).toEqual([500, 500, 100]);
    expect(ids.flat()).toEqual(Array.from({ length: 1_100 }, (_, i) => i + 1));
    expect((await serverState(worker, spaceId, storage)).version).toBe(1_100);
    expect(me.list("tasks")).toHaveLength(1_100);
  });

  it("answers a mutation gap by resending from the server's last id", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    await me.put("tasks", "a", task("a"));
    await me.flush();
    app.kill();
    // The local record of acknowledged ids runs ahead of the server's (a restored backup, say).
    const metaKey = [...storage.snapshot().keys()].find((k) => k.endsWith(":me:meta"))!;
    const meta = JSON.parse(storage.snapshot().get(metaKey)!) as { lastMutationId: number };
    await storage.setMany([[metaKey, JSON.stringify({ ...meta, lastMutationId: 10 })]]);
    const relaunched = await launch(worker.url, storage, { sockets: false });
    const again = relaunched.outpost.sync.space("me");
    await again.put("tasks", "b", task("b"));
    await again.put("tasks", "c", task("c"));
    await again.flush();
    expect(relaunched.net.seen.filter(isPush).map((r) => r.status)).toEqual([409, 200]);
    const server = await serverState(worker, spaceId, storage);
    expect(server.version).toBe(3);
    expect(byKey(again.list("tasks"))).toEqual(byKey(server.live));
  });

  it("pulls from 0 after 410 resync_required, keeping pending edits and dropping what the server lost", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    await me.put("tasks", "gone", task("will vanish"));
    await me.put("tasks", "kept", task("stays"));
    await me.flush();
    app.kill();
    // Meanwhile the server deleted one record and purged its tombstone past our cursor.
    const db = await worker.mf.getD1Database("DB");
    await db.prepare("DELETE FROM records WHERE space_id = ? AND key = 'gone'").bind(spaceId).run();
    await db.prepare("UPDATE spaces SET purge_horizon = version + 1 WHERE id = ?").bind(spaceId).run();
    const relaunched = await launch(worker.url, storage, { sockets: false });
    const again = relaunched.outpost.sync.space("me");
    relaunched.net.offline = true;
    await again.put("tasks", "new", task("offline edit"));
    relaunched.net.offline = false;
    await db.prepare("UPDATE spaces SET purge_horizon = version + 5 WHERE id = ?").bind(spaceId).run();
    await again.flush().catch(() => undefined);
    await db.prepare("UPDATE spaces SET purge_horizon = 0 WHERE id = ?").bind(spaceId).run();
    await again.flush();
    expect(relaunched.net.seen.filter(isPull).some((r) => r.status === 410)).toBe(true);
    expect(again.get("tasks", "gone")).toBeUndefined();
    expect(byKey(again.list("tasks"))).toEqual({ kept: task("stays"), new: task("offline edit") });
  });

  it("surfaces reject-policy conflicts and rejected mutations as events and rolls local state back", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const spaceId = await sharedSpace(alice.app, [bob.user.id]);
    const a = alice.app.outpost.sync.space(spaceId);
    const b = bob.app.outpost.sync.space(spaceId);
    await a.put("notes", "n1", { title: "Plan", body: "" });
    await a.flush();
    await b.flush();
    expect(b.get("notes", "n1")).toEqual({ title: "Plan", body: "" });
    // Both edit offline; Alice lands first.
    alice.app.net.offline = bob.app.net.offline = true;
    await a.patch("notes", "n1", { title: "Alice's plan" });
    await b.patch("notes", "n1", { title: "Bob's plan" });
    await b.put("tasks", "bad", { title: "", done: false });
    await b.put("tasks", "good", task("fine"));
    alice.app.net.offline = bob.app.net.offline = false;
    await a.flush();
    const conflicts: unknown[] = [];
    const rejected: Array<{ code: string; key: string }> = [];
    b.on("conflict", ({ mutation, record }) => conflicts.push({ key: mutation.key, record: record.value }));
    b.on("rejected", ({ mutation, error }) => rejected.push({ code: error.code, key: mutation.key }));
    await b.flush();
    expect(conflicts).toEqual([{ key: "n1", record: { title: "Alice's plan", body: "" } }]);
    expect(rejected).toEqual([{ code: "invalid_value", key: "bad" }]);
    expect(b.get("notes", "n1")).toEqual({ title: "Alice's plan", body: "" });
    expect(b.get("tasks", "bad")).toBeUndefined();
    expect(b.status.pending).toBe(0);
    await a.flush();
    expect(byKey(a.list("tasks"))).toEqual({ good: task("fine") });
    expect(byKey(b.list("tasks"))).toEqual({ good: task("fine") });
  });

  it("merges offline edits of one task from two devices of one user field by field", async () => {
    const sub = `user-${crypto.randomUUID()}`;
    const phone = await launch(worker.url, memoryStorage(), { sockets: false });
    const tablet = await launch(worker.url, memoryStorage(), { sockets: false });
    await phone.outpost.auth.signInWithIdToken(await idToken(sub));
    await tablet.outpost.auth.signInWithIdToken(await idToken(sub));
    const p = phone.outpost.sync.space("me");
    const t = tablet.outpost.sync.space("me");
    await p.put("tasks", "t", task("Pack"));
    await p.flush();
    await t.flush();
    phone.net.offline = tablet.net.offline = true;
    await p.patch("tasks", "t", { done: true });
    await t.patch("tasks", "t", { title: "Pack bags" });
    phone.net.offline = tablet.net.offline = false;
    await t.flush();
    await p.flush();
    await t.flush();
    expect(p.get("tasks", "t")).toEqual(task("Pack bags", true));
    expect(t.get("tasks", "t")).toEqual(task("Pack bags", true));
  });

  it("rides out resets, black holes, delays and cut sockets, then converges with each edit applied once", async () => {
    const proxy = await startFlakyProxy(worker.url);
    try {
      const sub = `user-${crypto.randomUUID()}`;
      const apps: TestApp[] = [];
      const storage = memoryStorage();
      for (let i = 0; i < 2; i++) {
        const app = await launch(proxy.url, i === 0 ? storage : memoryStorage(), { timeoutMs: 400 });
        await app.outpost.auth.signInWithIdToken(await idToken(sub));
        app.outpost.sync.start();
        apps.push(app);
      }
      const spaces = apps.map((a) => a.outpost.sync.space("me"));
      let edits = 0;
      const modes = ["reset", "blackhole", "pass"] as const;
      for (let round = 0; round < 9; round++) {
        proxy.mode = modes[round % 3]!;
        proxy.delayMs = round % 2 ? 30 : 0;
        if (round % 2) proxy.cut();
        for (const [i, space] of spaces.entries()) {
          await space.put("tasks", `r${round}-d${i}`, task(`round ${round}`));
          edits++;
        }
        await new Promise((r) => setTimeout(r, 150));
      }
      proxy.mode = "pass";
      proxy.delayMs = 0;
      proxy.cut();
      const spaceId = `p_${apps[0]!.outpost.auth.user!.id}`;
      await eventually(async () => {
        const server = await serverState(worker, spaceId, storage);
        expect(server.version).toBe(edits);
        for (const space of spaces) expect(byKey(space.list("tasks"))).toEqual(byKey(server.live));
      }, 20_000);
      for (const app of apps) await app.outpost.close();
    } finally {
      await proxy.close();
    }
  });

  it("pulls at once when a poke arrives on the socket, without any flush", async () => {
    const sub = `user-${crypto.randomUUID()}`;
    const phone = await launch(worker.url, memoryStorage());
    const tablet = await launch(worker.url, memoryStorage());
    await phone.outpost.auth.signInWithIdToken(await idToken(sub));
    await tablet.outpost.auth.signInWithIdToken(await idToken(sub));
    const seen: number[] = [];
    tablet.outpost.sync.space("me").watch("tasks", (rows) => seen.push(rows.length));
    tablet.outpost.sync.start();
    phone.outpost.sync.start();
    await eventually(() => expect(tablet.net.count("GET", "/v1/sync")).toBeGreaterThan(0));
    await phone.outpost.sync.space("me").put("tasks", "poked", task("from the phone"));
    await eventually(() =>
      expect(tablet.outpost.sync.space("me").get("tasks", "poked")).toEqual(task("from the phone")),
    );
    expect(seen.at(-1)).toBe(1);
    await phone.outpost.close();
    await tablet.outpost.close();
  });
});
