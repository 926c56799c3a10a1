import { describe, expect, it } from "vitest";
import { syncSpaceStub } from "../setup/hooks";
import { env } from "cloudflare:workers";
import { anonymousUser } from "../setup/http";
import { put, registration } from "../integration/devices-helpers";
import { loadWriteState } from "../../worker/sync/queries/records";
import { newClientId, push, pushOk, putTask, type Caller } from "../integration/sync-helpers";

/** The D1 round trips are the space object's, counted by the test subclass around its `env.DB`. */
async function personal() {
  const u = await anonymousUser();
  const spaceId = `p_${u.userId}`;
  return { who: { token: u.accessToken } satisfies Caller, u, spaceId };
}

describe("SyncSpace: a push group is one D1 round trip", () => {
  it("commits new clients, new records and patches in exactly one round trip each", async () => {
    const { who, spaceId } = await personal();
    const first = newClientId();
    await pushOk(who, "me", first, [putTask(1, "a", { title: "a", done: false })]); // loads once
    const stub = syncSpaceStub(spaceId);
    await stub.d1RoundTrips();

    await pushOk(who, "me", first, [putTask(2, "b", { title: "b", done: false })]);
    expect(await stub.d1RoundTrips()).toBe(1);
    // A client the object never saw: it knows every client of the space, so no read.
    await pushOk(who, "me", newClientId(), [
      putTask(1, "c", { title: "c", done: false }),
      { id: 2, collection: "tasks", key: "a", op: "patch", value: { done: true } },
    ]);
    expect(await stub.d1RoundTrips()).toBe(1);
    // A retry of applied mutations commits nothing at all.
    const retry = await pushOk(who, "me", first, [putTask(2, "b", { title: "b", done: false })]);
    expect(retry.results).toEqual([]);
    expect(await stub.d1RoundTrips()).toBe(0);
  });

  it("checks a claimed device inside the commit, still in one round trip", async () => {
    const { u, spaceId } = await personal();
    const deviceId = crypto.randomUUID();
    expect((await put(u.accessToken, deviceId, registration())).status).toBeLessThan(300);
    const who = { token: u.accessToken, deviceId } satisfies Caller;
    const clientId = newClientId();
    await pushOk(who, "me", clientId, [putTask(1, "a", { title: "a", done: false })]);
    const stub = syncSpaceStub(spaceId);
    await stub.d1RoundTrips();
    await pushOk(who, "me", clientId, [putTask(2, "b", { title: "b", done: false })]);
    expect(await stub.d1RoundTrips()).toBe(1);
    // The claim held for the owner's device and not for a made-up one. (Not counted: that push
    // wakes the owner's device, and the silent push does its own bookkeeping in D1.)
    const other = newClientId();
    await pushOk({ ...who, deviceId: "not-a-device-of-theirs" }, "me", other, [
      putTask(1, "d", { title: "d", done: false }),
    ]);
    const rows = await env.DB.prepare(
      "SELECT client_id AS clientId, device_id AS deviceId FROM sync_clients WHERE space_id = ?",
    )
      .bind(spaceId)
      .all<{ clientId: string; deviceId: string | null }>();
    expect(Object.fromEntries(rows.results.map((r) => [r.clientId, r.deviceId]))).toEqual({
      [clientId]: deviceId,
      [other]: null,
    });
  });

  it("reads a tombstone's record first (the ops job may have purged it): two round trips", async () => {
    const { who, spaceId } = await personal();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, [
      putTask(1, "a", { title: "a", done: false }),
      { id: 2, collection: "tasks", key: "a", op: "delete" },
    ]);
    const stub = syncSpaceStub(spaceId);
    await stub.d1RoundTrips();
    const res = await push(who, "me", clientId, [putTask(3, "a", { title: "again", done: false })]);
    expect(res.status).toBe(200);
    expect(await stub.d1RoundTrips()).toBe(2);
  });

  it("loads a space whole only while it is small enough to hold (checked in the query)", async () => {
    const { who, spaceId } = await personal();
    await pushOk(who, "me", newClientId(), [
      putTask(1, "a", { title: "a", done: false }),
      putTask(2, "b", { title: "b", done: false }),
    ]);
    const whole = await loadWriteState(env.DB, spaceId, { records: 2, chars: 10_000 });
    expect([...(whole.records?.keys() ?? [])].sort()).toEqual(["tasks\u0000a", "tasks\u0000b"]);
    expect(whole.clients.size).toBe(1);
    expect((await loadWriteState(env.DB, spaceId, { records: 1, chars: 10_000 })).records).toBeNull();
    expect((await loadWriteState(env.DB, spaceId, { records: 2, chars: 20 })).records).toBeNull();
  });
});
