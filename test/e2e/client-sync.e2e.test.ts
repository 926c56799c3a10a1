import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/index";
import { isPull, isPush } from "../fakes/faulty-fetch";
import { eventually, launch } from "./client-harness";
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

async function signedIn(storage = memoryStorage()) {
  const app = await launch(worker.url, storage, { sockets: false });
  const user = await app.outpost.auth.signInAnonymously();
  return { app, storage, user, spaceId: `p_${user.id}` };
}

describe("@outpost/client sync against the Worker", () => {
  it("keeps edits made offline and sends them once the network is back", async () => {
    const { app, spaceId } = await signedIn();
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
    const server = await serverState(worker, spaceId);
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
    const server = await serverState(worker, spaceId);
    expect(server.version).toBe(5);
    expect(byKey(again.list("tasks"))).toEqual(byKey(server.live));
  });

  it("converges after the app is killed once the server committed but before the answer came", async () => {
    const { app, storage, spaceId } = await signedIn();
    const me = app.outpost.sync.space("me");
    for (let i = 0; i < 3; i++) await me.put("tasks", `k${i}`, task(`t${i}`));
    app.net.fail(isPush, "hang-after-send");
    void me.flush().catch(() => undefined);
    await eventually(async () => expect((await serverState(worker, spaceId)).version).toBe(3));
    app.kill();
    const relaunched = await launch(worker.url, storage, { sockets: false });
    const again = relaunched.outpost.sync.space("me");
    expect(again.status.pending).toBe(3);
    await again.put("tasks", "k3", task("after relaunch"));
    await again.flush();
    const server = await serverState(worker, spaceId);
    // Three resent ids skipped by the server, one new one applied: four changes, not seven.
    expect(server.version).toBe(4);
    expect([...server.clients.values()]).toEqual([4]);
    expect(again.status.pending).toBe(0);
    expect(byKey(again.list("tasks"))).toEqual(byKey(server.live));
  });

  it("converges after the app is killed in the middle of a paginated pull", async () => {
    const sub = `user-${crypto.randomUUID()}`;
    const writer = await launch(worker.url, memoryStorage(), { sockets: false });
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
    const server = await serverState(worker, `p_${writer.outpost.auth.user!.id}`);
    expect(server.version).toBe(26);
    expect(byKey(again.list("tasks"))).toEqual(byKey(server.live));
    await w.flush();
    expect(byKey(w.list("tasks"))).toEqual(byKey(server.live));
  });
});
