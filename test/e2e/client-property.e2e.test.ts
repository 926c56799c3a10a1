import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/index";
import { launch, type MemoryStorage, type TestApp } from "./client-harness";
import { byKey, serverState, tokenOf } from "./client-server-state";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

// A property run across three SDK instances of three users sharing a space, each started (poke
// sockets, background retries): random interleavings of edits, offline periods, kills (mid-push
// included), flushes and wakes always end with every instance showing exactly the server's
// state, and every edit applied exactly once.

let worker: StartedWorker;
const storages: MemoryStorage[] = [];
const userIds: string[] = [];

beforeAll(async () => {
  worker = await startWorker();
  for (let i = 0; i < 3; i++) {
    const storage = memoryStorage();
    const app = await launch(worker.url, storage, { sockets: false });
    userIds.push((await app.outpost.auth.signInAnonymously()).id);
    storages.push(storage);
    app.kill();
  }
});

afterAll(async () => {
  await worker?.stop();
});

async function newSharedSpace(): Promise<string> {
  const owner = tokenOf(storages[0]!);
  const created = await fetchJson<{ id: string }>(worker.url, "/v1/spaces", {
    method: "POST",
    token: owner,
    json: { name: "property" },
  });
  for (const userId of userIds.slice(1))
    await fetchJson(worker.url, `/v1/spaces/${created.body.id}/members`, {
      method: "POST",
      token: owner,
      json: { userId, role: "editor" },
    });
  return created.body.id;
}

const app = fc.nat(2);
const key = fc.constantFrom("a", "b", "c", "d");
const action = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("put" as const), app, key, n: fc.nat(99) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("delete" as const), app, key }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("offline" as const), app, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("kill" as const), app }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("flush" as const), app }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("wake" as const), app }) },
);

it("three instances converge to the server's state through edits, offline periods, kills and pokes", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 18 }), async (actions) => {
      const spaceId = await newSharedSpace();
      // Started, with sockets: pokes arrive and retries run in the background between actions.
      const start = async (storage: MemoryStorage) => {
        const started = await launch(worker.url, storage);
        started.outpost.sync.start();
        return started;
      };
      const apps: TestApp[] = [];
      for (const storage of storages) apps.push(await start(storage));
      let edits = 0;
      for (const a of actions) {
        const target = apps[a.app]!;
        const space = target.outpost.sync.space(spaceId);
        if (a.t === "put") {
          await space.put("tasks", a.key, { title: `v${a.n}`, done: a.n % 2 === 0 });
          edits++;
        } else if (a.t === "delete") {
          await space.delete("tasks", a.key);
          edits++;
        } else if (a.t === "offline") target.net.offline = a.on;
        else if (a.t === "kill") {
          // Killed wherever it is, a push or pull in flight included; relaunched on the same storage.
          target.kill();
          apps[a.app] = await start(storages[a.app]!);
        } else if (a.t === "flush") void space.flush().catch(() => undefined);
        else await target.outpost.sync.wake();
      }
      for (const t of apps) t.net.offline = false;
      // Twice round: the first pass pushes everything, the second pulls what the others pushed.
      for (let pass = 0; pass < 2; pass++) for (const t of apps) await t.outpost.sync.space(spaceId).flush();
      const server = await serverState(worker, spaceId, storages[0]!);
      // put and delete are always applied under lww: one version each, so none was applied twice.
      expect(server.version).toBe(edits);
      for (const t of apps) {
        expect(t.outpost.sync.space(spaceId).status.pending).toBe(0);
        expect(byKey(t.outpost.sync.space(spaceId).list("tasks"))).toEqual(byKey(server.live));
      }
      for (const t of apps) {
        await t.outpost.close();
        t.kill();
      }
    }),
    {
      numRuns: Number(process.env.OUTPOST_PROPERTY_RUNS ?? 6),
      seed: Number(process.env.OUTPOST_PROPERTY_SEED ?? Date.now() % 1_000_000),
    },
  );
});
