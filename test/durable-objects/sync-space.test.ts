import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ServerMutateOutcome } from "../../worker/sync/space-rpc";
import { anonymousUser } from "../setup/http";
import { newClientId, pullAll, pullOk, pushOk, putTask } from "../integration/sync-helpers";

const stubOf = (spaceId: string) => env.SYNC_SPACE.get(env.SYNC_SPACE.idFromName(spaceId));

describe("SyncSpace", () => {
  it("versions server-side writes like any push and pokes the space's sockets", async () => {
    const u = await anonymousUser();
    const spaceId = `p_${u.userId}`;
    await pushOk({ token: u.accessToken }, "me", newClientId(), [
      putTask(1, "a", { title: "a", done: false }),
    ]);
    const res = await exports.default.fetch(
      new Request(`http://outpost.test/v1/sync/me/socket?token=${u.accessToken}`, {
        headers: { Upgrade: "websocket" },
      }),
    );
    const ws = res.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    const pokes: number[] = [];
    const poked = new Promise<void>((resolve) =>
      ws.addEventListener("message", (event) => {
        pokes.push((JSON.parse(String(event.data)) as { version: number }).version);
        if (pokes.includes(3)) resolve();
      }),
    );
    const out = (await stubOf(spaceId).serverMutate(spaceId, [
      { collection: "tasks", key: "a", op: "patch", value: { done: true } },
      { collection: "tasks", key: "b", op: "put", value: { title: "from the server", done: false } },
      { collection: "tasks", key: "c", op: "put", value: { title: "" } },
    ])) as ServerMutateOutcome;
    expect(out).toMatchObject({ ok: true, version: 3 });
    if (!out.ok) return;
    expect(out.results.map((r) => r.status)).toEqual(["applied", "applied", "rejected"]);
    await poked;
    expect(pokes).toEqual([1, 3]);
    const { changes } = await pullAll({ token: u.accessToken }, "me");
    expect(changes.map((c) => [c.key, c.version, c.value])).toEqual([
      ["a", 2, { title: "a", done: true }],
      ["b", 3, { title: "from the server", done: false }],
    ]);
    ws.close(1000, "bye");
  });

  it("purges old tombstones when its daily alarm comes due, and schedules the next", async () => {
    const u = await anonymousUser();
    const spaceId = `p_${u.userId}`;
    const who = { token: u.accessToken };
    const clientId = newClientId();
    await pushOk(who, "me", clientId, [
      putTask(1, "a", { title: "a", done: false }),
      putTask(2, "b", { title: "b", done: false }),
    ]);
    await pushOk(who, "me", clientId, [{ id: 3, collection: "tasks", key: "a", op: "delete" }]);
    // Age the tombstone past the retention period and bring the purge forward.
    await env.DB.prepare("UPDATE records SET updated_at = updated_at - ? WHERE space_id = ? AND deleted = 1")
      .bind(31 * 86_400_000, spaceId)
      .run();
    const stub = stubOf(spaceId);
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.sql.exec("UPDATE meta SET value = '0' WHERE key = 'next_purge_at'");
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await pullAll(who, "me")).changes.map((c) => c.key)).toEqual(["b"]);
    const stale = await exports.default.fetch(
      new Request("http://outpost.test/v1/sync/me/pull?cursor=2", {
        headers: { Authorization: `Bearer ${u.accessToken}` },
      }),
    );
    expect(stale.status).toBe(410);
    expect((await pullOk(who, "me", "cursor=3")).changes).toEqual([]);
    const next = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });
});
