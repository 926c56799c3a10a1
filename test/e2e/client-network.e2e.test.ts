import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/index";
import { isPull, isPush } from "../fakes/faulty-fetch";
import { startFlakyProxy } from "../fakes/flaky-proxy";
import { eventually, launch, type TestApp } from "./client-harness";
import { byKey, serverState } from "./client-server-state";
import { idToken, signedIn, task } from "./client-users";
import { type StartedWorker, startWorker } from "./start-worker";

// The SDK on a bad network, against the real Worker: answers lost after the server committed,
// long queues, a loopback proxy that resets, swallows, delays and cuts connections (sockets
// included), and pokes arriving over the socket.

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

describe("@outpost/client on a bad network", () => {
  it("retries a push whose answer was lost with the same ids, keeping the edits on screen meanwhile", async () => {
    const { app, storage, spaceId } = await signedIn(worker);
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
    const { app, storage, spaceId } = await signedIn(worker);
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

  it("rides out resets, black holes, delays and cut sockets, then converges with each edit applied once", async () => {
    const proxy = await startFlakyProxy(worker.url);
    try {
      const sub = `user-${crypto.randomUUID()}`;
      const apps: TestApp[] = [];
      const storage = memoryStorage();
      for (let i = 0; i < 2; i++) {
        const app = await launch(proxy.url, i === 0 ? storage : memoryStorage(), { timeoutMs: 400 });
        await app.outpost.auth.signInWithIdToken(await idToken(worker, sub));
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
    await phone.outpost.auth.signInWithIdToken(await idToken(worker, sub));
    await tablet.outpost.auth.signInWithIdToken(await idToken(worker, sub));
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
    // The poke carried the bookmark of the phone's commit, and the tablet's pull sent it: a
    // replica behind that commit would have waited for it (API.md "Reads near the phone").
    const pushed = phone.net.seen.find(isPush)?.responseHeaders?.["outpost-bookmark"];
    expect(pushed).toMatch(/^[0-9a-f]{8}-/);
    expect(tablet.net.seen.filter(isPull).map((r) => r.headers["Outpost-Bookmark"])).toContain(pushed);
    await phone.outpost.close();
    await tablet.outpost.close();
  });

  it("starts syncing by itself after an offline launch once the network is back", async () => {
    const storage = memoryStorage();
    const first = await signedIn(worker, storage);
    first.app.kill();
    const app = await launch(worker.url, storage);
    app.net.offline = true;
    app.outpost.sync.start();
    const me = app.outpost.sync.space("me");
    await me.put("tasks", "t", task("queued offline"));
    await new Promise((r) => setTimeout(r, 300));
    expect(me.status).toMatchObject({ pending: 1, online: false });
    app.net.offline = false;
    await eventually(() => expect(me.status).toMatchObject({ pending: 0, online: true }));
    expect(byKey((await serverState(worker, first.spaceId, storage)).live)).toEqual({
      t: task("queued offline"),
    });
    await app.outpost.close();
  });
});
