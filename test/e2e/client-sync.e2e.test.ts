import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/index";
import { isPull, isPush } from "../fakes/faulty-fetch";
import { eventually, launch } from "./client-harness";
import { idToken, sharedSpace, signedIn, task } from "./client-users";
import { byKey, serverState } from "./client-server-state";
import { type StartedWorker, startWorker } from "./start-worker";

// The SDK against the real Worker over real sockets: the app killed at every step of a push,
// gaps, resyncs, two users and two devices editing offline, and edits surfacing as events when
// the server says no. (Bad networks: client-network.e2e.test.ts.)

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

describe("@outpost/client sync against the Worker", () => {
  it("keeps edits made offline and sends them once the network is back", async () => {
    const { app, storage, spaceId } = await signedIn(worker);
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
    const { app, storage, spaceId } = await signedIn(worker);
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
    const { app, storage, spaceId } = await signedIn(worker);
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
    await writer.outpost.auth.signInWithIdToken(await idToken(worker, sub));
    const w = writer.outpost.sync.space("me");
    for (let i = 0; i < 25; i++) await w.put("tasks", `k${String(i).padStart(2, "0")}`, task(`t${i}`));
    await w.flush();
    // A second device of the same user pulls 10 per page and dies waiting for the third page.
    const storage = memoryStorage();
    const reader = await launch(worker.url, storage, { sockets: false, pullLimit: 10 });
    await reader.outpost.auth.signInWithIdToken(await idToken(worker, sub));
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

  it("answers a mutation gap by resending from the server's last id", async () => {
    const { app, storage, spaceId } = await signedIn(worker);
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
    const { app, storage, spaceId } = await signedIn(worker);
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
    const alice = await signedIn(worker);
    const bob = await signedIn(worker);
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
    await phone.outpost.auth.signInWithIdToken(await idToken(worker, sub));
    await tablet.outpost.auth.signInWithIdToken(await idToken(worker, sub));
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

  it("rolls back a viewer's edits with rejected events instead of retrying them forever", async () => {
    const owner = await signedIn(worker);
    const viewer = await signedIn(worker);
    const spaceId = await sharedSpace(owner.app, [viewer.user.id], "viewer");
    await owner.app.outpost.sync.space(spaceId).put("tasks", "t", task("owner's"));
    await owner.app.outpost.sync.space(spaceId).flush();
    const v = viewer.app.outpost.sync.space(spaceId);
    await v.flush();
    const rejected: string[] = [];
    v.on("rejected", ({ mutation, error }) => rejected.push(`${mutation.key}:${error.code}`));
    await v.patch("tasks", "t", { done: true });
    await v.put("tasks", "u", task("viewer's"));
    expect(v.get("tasks", "t")).toEqual(task("owner's", true));
    await v.flush();
    expect(rejected).toEqual(["t:forbidden", "u:forbidden"]);
    expect(v.status.pending).toBe(0);
    expect(byKey(v.list("tasks"))).toEqual({ t: task("owner's") });
  });
});
