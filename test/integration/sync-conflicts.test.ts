import { describe, expect, it } from "vitest";
import { anonymousUser } from "../setup/http";
import { newClientId, patch, pullAll, pullOk, pushOk, putTask, type Caller } from "./sync-helpers";

/** One user with two phones: two local databases (clients) syncing one personal space. */
async function twoDevices(appVersion?: string): Promise<{ a: Caller; b: Caller; ca: string; cb: string }> {
  const u = await anonymousUser();
  return {
    a: { token: u.accessToken, deviceId: crypto.randomUUID(), appVersion },
    b: { token: u.accessToken, deviceId: crypto.randomUUID(), appVersion },
    ca: newClientId(),
    cb: newClientId(),
  };
}

describe("conflicts and merges", () => {
  it("merges offline edits of different fields from two devices field by field", async () => {
    const { a, b, ca, cb } = await twoDevices();
    const created = await pushOk(a, "me", ca, [putTask(1, "t1", { title: "Buy milk", done: false })]);
    const base = created.version;
    // Both phones go offline and edit the same task: A renames it, B ticks it off.
    const fromA = await pushOk(a, "me", ca, [patch(2, "tasks", "t1", { title: "Buy oat milk" }, base)]);
    const fromB = await pushOk(b, "me", cb, [patch(1, "tasks", "t1", { done: true }, base)]);
    expect(fromA.results[0]?.status).toBe("applied");
    expect(fromB.results[0]).toMatchObject({
      status: "applied",
      record: { version: base + 2, value: { title: "Buy oat milk", done: true } },
    });
    const seenByA = await pullAll(a, "me", { cursor: fromA.version });
    const seenByB = await pullAll(b, "me", { cursor: 0 });
    expect(seenByA.changes).toEqual([
      {
        collection: "tasks",
        key: "t1",
        version: base + 2,
        deleted: false,
        value: { title: "Buy oat milk", done: true },
      },
    ]);
    expect(seenByB.changes).toEqual(seenByA.changes);
  });

  it("lets the later arrival win when both devices edit the same field, whatever the device clocks", async () => {
    const { a, b, ca, cb } = await twoDevices();
    const created = await pushOk(a, "me", ca, [putTask(1, "t1", { title: "v0", done: false })]);
    await pushOk(b, "me", cb, [
      patch(1, "tasks", "t1", { title: "from B (clock says later)" }, created.version),
    ]);
    await pushOk(a, "me", ca, [patch(2, "tasks", "t1", { title: "from A (arrived last)" }, created.version)]);
    const { changes } = await pullAll(a, "me");
    expect(changes.map((c) => c.value?.title)).toEqual(["from A (arrived last)"]);
  });

  it("answers a stale edit of a reject-policy note with a conflict and the current record, leaving it unchanged", async () => {
    const { a, b, ca, cb } = await twoDevices();
    const created = await pushOk(a, "me", ca, [
      { id: 1, collection: "notes", key: "n1", op: "put", value: { title: "Plan", body: "v1" } },
    ]);
    const base = created.version;
    const winner = await pushOk(a, "me", ca, [patch(2, "notes", "n1", { body: "A's text" }, base)]);
    expect(winner.results[0]?.status).toBe("applied");
    const loser = await pushOk(b, "me", cb, [
      {
        id: 1,
        collection: "notes",
        key: "n1",
        op: "put",
        value: { title: "Plan", body: "B's text" },
        baseVersion: base,
      },
      patch(2, "notes", "n1", { title: "B's title" }, base),
    ]);
    expect(loser.lastMutationId).toBe(2);
    expect(loser.version).toBe(winner.version);
    for (const result of loser.results) {
      expect(result).toMatchObject({
        status: "conflict",
        error: { code: "conflict" },
        record: {
          collection: "notes",
          key: "n1",
          version: winner.version,
          value: { title: "Plan", body: "A's text" },
        },
      });
    }
    // Rebased on the current version, B's edit goes through.
    const rebased = await pushOk(b, "me", cb, [
      patch(3, "notes", "n1", { body: "B's text" }, winner.version),
    ]);
    expect(rebased.results[0]).toMatchObject({ status: "applied", record: { value: { body: "B's text" } } });
  });

  it("lets a delete win over a concurrent edit, and a put recreate the record", async () => {
    const { a, b, ca, cb } = await twoDevices();
    const created = await pushOk(a, "me", ca, [putTask(1, "t1", { title: "x", done: false })]);
    const deleted = await pushOk(a, "me", ca, [{ id: 2, collection: "tasks", key: "t1", op: "delete" }]);
    const tombstone = {
      collection: "tasks",
      key: "t1",
      version: deleted.version,
      deleted: true,
      value: null,
    };
    expect(deleted.results[0]).toMatchObject({ status: "applied", record: tombstone });
    const edit = await pushOk(b, "me", cb, [patch(1, "tasks", "t1", { done: true }, created.version)]);
    expect(edit.results[0]).toMatchObject({ status: "conflict", record: tombstone });
    expect(edit.version).toBe(deleted.version);
    expect((await pullAll(b, "me")).changes).toEqual([tombstone]);
    const recreated = await pushOk(b, "me", cb, [putTask(2, "t1", { title: "back", done: false })]);
    expect(recreated.results[0]).toMatchObject({
      status: "applied",
      record: { deleted: false, value: { title: "back" } },
    });
    expect((await pullAll(a, "me", { cursor: deleted.version })).changes).toEqual([
      {
        collection: "tasks",
        key: "t1",
        version: recreated.version,
        deleted: false,
        value: { title: "back", done: false },
      },
    ]);
  });

  it("never shows tags to an app 3.0.0 and never lets its put erase them", async () => {
    const u = await anonymousUser();
    const modern: Caller = { token: u.accessToken, appVersion: "3.1.0", deviceId: crypto.randomUUID() };
    const old: Caller = { token: u.accessToken, appVersion: "3.0.0", deviceId: crypto.randomUUID() };
    const cm = newClientId();
    const co = newClientId();
    await pushOk(modern, "me", cm, [
      putTask(1, "t1", { title: "tagged", done: false, tags: ["home", "urgent"] }),
    ]);

    const oldView = await pullOk(old, "me", "cursor=0");
    expect(oldView.changes[0]?.value).toEqual({ title: "tagged", done: false });

    const oldPut = await pushOk(old, "me", co, [putTask(1, "t1", { title: "renamed by 3.0", done: true })]);
    expect(oldPut.results[0]?.record?.value).toEqual({ title: "renamed by 3.0", done: true });
    const oldTags = await pushOk(old, "me", co, [patch(2, "tasks", "t1", { tags: [] })]);
    expect(oldTags.results[0]).toMatchObject({ status: "rejected", error: { code: "unknown_field" } });

    const modernView = await pullOk(modern, "me", "cursor=0");
    expect(modernView.changes[0]?.value).toEqual({
      title: "renamed by 3.0",
      done: true,
      tags: ["home", "urgent"],
    });
    const noVersion = await pullOk({ token: u.accessToken }, "me", "cursor=0");
    expect(noVersion.changes[0]?.value).toEqual({
      title: "renamed by 3.0",
      done: true,
      tags: ["home", "urgent"],
    });
  });
});
