import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { syncSpaceStub } from "../setup/hooks";
import { anonymousUser } from "../setup/http";
import {
  newClientId,
  pullAll,
  pullOk,
  push,
  pushOk,
  putTask,
  type Caller,
} from "../integration/sync-helpers";

/** A stub breaks with the object it pointed at: after a crash, ask for a fresh one. */
const stubOf = syncSpaceStub;

async function personal() {
  const u = await anonymousUser();
  const spaceId = `p_${u.userId}`;
  return { who: { token: u.accessToken } satisfies Caller, stub: stubOf(spaceId), spaceId };
}

describe("SyncSpace after a failure between the D1 commit and its own write", () => {
  it("makes the retry a no-op and keeps the version right when the object dies after the commit", async () => {
    const { who, stub, spaceId } = await personal();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, [putTask(1, "a", { title: "a", done: false })]);
    await stub.armCrashAfterCommit("abort");

    const lost = await push(who, "me", clientId, [putTask(2, "b", { title: "b", done: false })]);
    expect(lost.status).toBe(503);
    expect(lost.headers.get("Retry-After")).toBe("1");
    // D1 committed: the change is there, exactly once, and the client's id moved with it.
    const afterCrash = await pullOk(who, "me", `cursor=0&clientId=${clientId}`);
    expect(afterCrash).toMatchObject({ cursor: 2, lastMutationId: 2 });

    const retry = await pushOk(who, "me", clientId, [putTask(2, "b", { title: "b", done: false })]);
    expect(retry).toEqual({ lastMutationId: 2, version: 2, results: [] });
    const next = await pushOk(who, "me", clientId, [putTask(3, "c", { title: "c", done: false })]);
    expect(next.results[0]?.record?.version).toBe(3);
    expect((await stubOf(spaceId).inspect()).version).toBe(3);
    const { changes } = await pullAll(who, "me");
    expect(changes.map((c) => [c.key, c.version])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
  });

  it("rebuilds a stale cache from D1 when the object survives a failure after the commit", async () => {
    const { who, stub } = await personal();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, [putTask(1, "a", { title: "a", done: false })]);
    await stub.armCrashAfterCommit("throw");
    // The object's retry finds the mutation already applied in D1 and applies nothing twice.
    const res = await pushOk(who, "me", clientId, [
      putTask(2, "b", { title: "b", done: false }),
      { id: 3, collection: "tasks", key: "a", op: "patch", value: { done: true } },
    ]);
    expect(res).toMatchObject({ lastMutationId: 3, version: 3 });
    const other = await pushOk(who, "me", newClientId(), [putTask(1, "z", { title: "z", done: false })]);
    expect(other.version).toBe(4);
    const { changes } = await pullAll(who, "me");
    expect(changes.map((c) => [c.key, c.version])).toEqual([
      ["b", 2],
      ["a", 3],
      ["z", 4],
    ]);
  });

  it("adopts D1's version after a restart whose own storage missed commits", async () => {
    const { who, stub, spaceId } = await personal();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, [
      putTask(1, "a", { title: "a", done: false }),
      putTask(2, "b", { title: "b", done: false }),
    ]);
    // As if the object's own writes of the last commits had been lost, then it restarted.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE meta SET value = '0' WHERE key = 'version'");
      state.storage.sql.exec("DELETE FROM user_clients");
    });
    await stub.armCrashAfterCommit("abort");
    const crashed = await push(who, "me", clientId, [putTask(3, "c", { title: "c", done: false })]);
    expect(crashed.status).toBe(503);
    const after = await pushOk(who, "me", clientId, [
      putTask(3, "c", { title: "c", done: false }),
      putTask(4, "d", { title: "d", done: false }),
    ]);
    expect(after).toMatchObject({ lastMutationId: 4, version: 4 });
    expect(after.results.map((r) => r.id)).toEqual([4]);
    expect((await stubOf(spaceId).inspect()).version).toBe(4);
  });

  it("plans from D1's records and clients after a restart that lost the object's view of a commit", async () => {
    const { who, stub } = await personal();
    const writer = newClientId();
    await pushOk(who, "me", writer, [putTask(1, "a", { title: "a", done: false })]);
    await stub.armCrashAfterCommit("abort");
    // Committed in D1, never seen by the object's memory: a new title, and a client-only advance
    // (a rejected mutation moves the client's last id but not the space's version).
    const lost = await push(who, "me", writer, [
      { id: 2, collection: "tasks", key: "a", op: "patch", value: { title: "renamed" } },
      { id: 3, collection: "no-such-collection", key: "x", op: "put", value: {} },
    ]);
    expect(lost.status).toBe(503);
    // The next instance merges into the committed value and skips the committed ids.
    const patch = await pushOk(who, "me", newClientId(), [
      { id: 1, collection: "tasks", key: "a", op: "patch", value: { done: true } },
    ]);
    expect(patch.results[0]?.record).toMatchObject({ version: 3, value: { title: "renamed", done: true } });
    const retry = await pushOk(who, "me", writer, [
      { id: 3, collection: "no-such-collection", key: "x", op: "put", value: {} },
      putTask(4, "b", { title: "b", done: false }),
    ]);
    expect(retry).toMatchObject({ lastMutationId: 4, version: 4 });
    expect(retry.results.map((r) => r.id)).toEqual([4]);
  });

  it("rebuilds the write cache when the object survives a failure after a client-only commit", async () => {
    const { who, stub } = await personal();
    const writer = newClientId();
    await pushOk(who, "me", writer, [putTask(1, "a", { title: "a", done: false })]);
    await stub.armCrashAfterCommit("throw");
    // The retry inside the object reloads from D1 and finds id 2 already applied.
    const res = await pushOk(who, "me", writer, [
      { id: 2, collection: "no-such-collection", key: "x", op: "put", value: {} },
    ]);
    expect(res).toMatchObject({ lastMutationId: 2, version: 1, results: [] });
    const next = await pushOk(who, "me", writer, [
      { id: 3, collection: "tasks", key: "a", op: "patch", value: { done: true } },
    ]);
    expect(next.results[0]?.record).toMatchObject({ version: 2, value: { title: "a", done: true } });
  });
});
