import { describe, expect, it } from "vitest";
import { fieldsKnownTo, getCollection, imageFields, validateValue } from "../../worker/sync/collections";
import { applyMutation, mergePatch, projectValue, replaceKnownFields } from "../../worker/sync/merge";
import { planPush, recordKey } from "../../worker/sync/plan";
import type { Mutation } from "../../worker/sync/protocol";

const tasks = getCollection("tasks");
if (!tasks) throw new Error("tasks collection missing");

const live = (version: number, value: Record<string, unknown>) => ({ version, deleted: false, value });
const tombstone = (version: number) => ({ version, deleted: true, value: null });
const m = (partial: Partial<Mutation> & Pick<Mutation, "id" | "op">): Mutation => ({
  collection: "tasks",
  key: "t1",
  ...partial,
});

describe("collections", () => {
  it("lets an app without a version know every field", () => {
    expect([...fieldsKnownTo(tasks, undefined)].sort()).toEqual([
      "done",
      "dueAt",
      "imageUrl",
      "tags",
      "title",
    ]);
  });
  it.each([
    ["3.0.0", false],
    ["3.0.9", false],
    ["3.1.0-beta.1", false],
    ["3.1.0", true],
    ["4.0.0", true],
  ])("decides whether app %s knows tags (%s)", (version, knows) => {
    expect(fieldsKnownTo(tasks, version).has("tags")).toBe(knows);
  });
  it("declares imageUrl as the tasks' image field", () => {
    expect(imageFields(tasks)).toEqual(["imageUrl"]);
  });
});

describe("mergePatch and replaceKnownFields", () => {
  it("overwrites given fields, clears null ones and keeps the rest", () => {
    expect(mergePatch({ title: "a", done: false, dueAt: 1 }, { done: true, dueAt: null })).toEqual({
      title: "a",
      done: true,
    });
  });
  it("keeps fields the caller does not know when it replaces a value", () => {
    const known = new Set(["title", "done"]);
    expect(
      replaceKnownFields({ title: "a", done: false, tags: ["x"] }, { title: "b", done: true }, known),
    ).toEqual({
      title: "b",
      done: true,
      tags: ["x"],
    });
  });
});

describe("applyMutation", () => {
  it("rejects an unknown collection", () => {
    const out = applyMutation(m({ id: 1, op: "put", collection: "nope", value: {} }), undefined, undefined);
    expect(out).toMatchObject({ status: "rejected", error: { code: "unknown_collection" } });
  });
  it("rejects a value that fails the schema, naming the field", () => {
    const out = applyMutation(
      m({ id: 1, op: "put", value: { title: "", done: true } }),
      undefined,
      undefined,
    );
    expect(out).toMatchObject({
      status: "rejected",
      error: { code: "invalid_value", errors: [{ path: "title" }] },
    });
  });
  it("rejects a value nested deeper than 32 levels without walking it recursively", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const out = applyMutation(
      m({ id: 1, op: "put", value: { title: deep, done: true } }),
      undefined,
      undefined,
    );
    expect(out).toMatchObject({ status: "rejected", error: { code: "invalid_value" } });
    const flagged = applyMutation({ ...m({ id: 1, op: "patch" }), valueTooDeep: true }, undefined, undefined);
    expect(flagged).toMatchObject({ status: "rejected", error: { code: "invalid_value" } });
  });
  it("rejects own keys named like Object.prototype members as unknown fields", () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const value = JSON.parse(`{"title":"a","done":true,${JSON.stringify(name)}:{}}`) as Record<
        string,
        unknown
      >;
      const out = applyMutation(m({ id: 1, op: "put", value }), undefined, undefined);
      expect(out, name).toMatchObject({ status: "rejected", error: { code: "unknown_field" } });
    }
    expect(validateValue(tasks, JSON.parse('{"title":"a","done":true,"constructor":1}'))).toEqual([
      { path: "constructor", message: "is not a field of this collection" },
    ]);
  });
  it("rejects fields a collection does not have", () => {
    const out = applyMutation(
      m({ id: 1, op: "put", value: { title: "a", done: true, x: 1 } }),
      undefined,
      undefined,
    );
    expect(out).toMatchObject({ status: "rejected", error: { code: "unknown_field" } });
  });
  it("rejects tags from an app older than 3.1.0", () => {
    const out = applyMutation(
      m({ id: 1, op: "patch", value: { tags: ["a"] } }),
      live(1, { title: "a", done: true }),
      "3.0.0",
    );
    expect(out).toMatchObject({ status: "rejected", error: { code: "unknown_field" } });
  });
  it("keeps tags when an app 3.0.0 replaces a task", () => {
    const out = applyMutation(
      m({ id: 1, op: "put", value: { title: "b", done: false } }),
      live(3, { title: "a", done: true, tags: ["keep"] }),
      "3.0.0",
    );
    expect(out).toEqual({
      status: "applied",
      next: { deleted: false, value: { title: "b", done: false, tags: ["keep"] } },
    });
  });
  it("lets a newer app's put erase tags", () => {
    const out = applyMutation(
      m({ id: 1, op: "put", value: { title: "b", done: false } }),
      live(3, { title: "a", done: true, tags: ["keep"] }),
      "3.1.0",
    );
    expect(out).toEqual({ status: "applied", next: { deleted: false, value: { title: "b", done: false } } });
  });
  it("applies a stale lww patch field by field", () => {
    const out = applyMutation(
      m({ id: 1, op: "patch", value: { done: true }, baseVersion: 1 }),
      live(5, { title: "renamed", done: false }),
      undefined,
    );
    expect(out).toEqual({
      status: "applied",
      next: { deleted: false, value: { title: "renamed", done: true } },
    });
  });
  it("answers a stale reject-policy edit with a conflict and the current record", () => {
    const current = live(5, { title: "n", body: "server" });
    const out = applyMutation(
      m({ id: 1, op: "put", collection: "notes", value: { title: "n", body: "mine" }, baseVersion: 4 }),
      current,
      undefined,
    );
    expect(out).toMatchObject({ status: "conflict", current });
  });
  it("applies a reject-policy edit whose baseVersion is current", () => {
    const out = applyMutation(
      m({ id: 1, op: "patch", collection: "notes", value: { body: "mine" }, baseVersion: 5 }),
      live(5, { title: "n", body: "server" }),
      undefined,
    );
    expect(out).toMatchObject({ status: "applied", next: { value: { title: "n", body: "mine" } } });
  });
  it("answers a patch to a deleted record with a conflict carrying the tombstone", () => {
    const out = applyMutation(m({ id: 1, op: "patch", value: { done: true } }), tombstone(7), undefined);
    expect(out).toMatchObject({ status: "conflict", current: { version: 7, deleted: true, value: null } });
  });
  it("recreates a deleted record on put, even under the reject policy with an old base", () => {
    const out = applyMutation(
      m({ id: 1, op: "put", collection: "notes", value: { title: "n", body: "b" }, baseVersion: 2 }),
      tombstone(7),
      undefined,
    );
    expect(out).toMatchObject({ status: "applied", next: { deleted: false } });
  });
  it("lets a delete win over an lww record whatever its baseVersion", () => {
    const out = applyMutation(
      m({ id: 1, op: "delete", baseVersion: 1 }),
      live(9, { title: "a", done: false }),
      undefined,
    );
    expect(out).toEqual({ status: "applied", next: { deleted: true, value: null } });
  });
  it("rejects a merged value over 256 KiB (100,000 three-byte characters)", () => {
    const out = applyMutation(
      m({ id: 1, op: "patch", collection: "notes", value: { body: "\u4e2d".repeat(100_000) } }),
      live(1, { title: "t", body: "y" }),
      undefined,
    );
    expect(out).toMatchObject({ status: "rejected", error: { code: "value_too_large" } });
  });
  it("accepts 100,000 one-byte characters", () => {
    const out = applyMutation(
      m({ id: 1, op: "patch", collection: "notes", value: { body: "x".repeat(100_000) } }),
      live(1, { title: "t", body: "y" }),
      undefined,
    );
    expect(out.status).toBe("applied");
  });
});

describe("projectValue", () => {
  it("hides tags from an app 3.0.0 and shows them to 3.1.0", () => {
    const value = { title: "a", done: true, tags: ["x"] };
    expect(projectValue("tasks", value, "3.0.0")).toEqual({ title: "a", done: true });
    expect(projectValue("tasks", value, "3.1.0")).toEqual(value);
  });
});

describe("planPush", () => {
  const base = { lastMutationId: 4, version: 10, records: new Map(), appVersion: undefined };
  const put = (id: number, key = `k${id}`): Mutation => ({
    id,
    collection: "tasks",
    key,
    op: "put",
    value: { title: `t${id}`, done: false },
  });

  it("skips ids already applied and numbers each change with the next version", () => {
    const plan = planPush({ ...base, mutations: [put(3), put(4), put(5), put(6)] });
    expect(plan).toMatchObject({ kind: "ok", lastMutationId: 6, version: 12, processed: 2 });
    if (plan.kind !== "ok") return;
    expect(plan.results.map((r) => [r.id, r.record?.version])).toEqual([
      [5, 11],
      [6, 12],
    ]);
  });
  it("reports a gap when the first new id skips ahead, applying nothing", () => {
    expect(planPush({ ...base, mutations: [put(5), put(7)] })).toEqual({ kind: "gap", expected: 6, got: 7 });
  });
  it("tolerates a duplicated delivery inside one batch", () => {
    const plan = planPush({ ...base, mutations: [put(5), put(5), put(6)] });
    expect(plan).toMatchObject({ kind: "ok", lastMutationId: 6, processed: 2 });
  });
  it("advances the client past a rejected mutation without a version", () => {
    const bad: Mutation = { id: 5, collection: "nope", key: "x", op: "delete" };
    const plan = planPush({ ...base, mutations: [bad, put(6)] });
    expect(plan).toMatchObject({ kind: "ok", lastMutationId: 6, version: 11 });
    if (plan.kind !== "ok") return;
    expect(plan.results.map((r) => r.status)).toEqual(["rejected", "applied"]);
  });
  it("writes one final state per record when a push edits it twice", () => {
    const plan = planPush({
      ...base,
      mutations: [
        put(5, "same"),
        { id: 6, collection: "tasks", key: "same", op: "patch", value: { done: true } },
      ],
    });
    if (plan.kind !== "ok") throw new Error("expected ok");
    expect(plan.writes).toEqual([
      { collection: "tasks", key: "same", version: 12, deleted: false, value: { title: "t5", done: true } },
    ]);
  });
  it("sees the current record the caller supplies", () => {
    const records = new Map([[recordKey("tasks", "t1"), tombstone(3)]]);
    const plan = planPush({
      ...base,
      records,
      mutations: [{ id: 5, collection: "tasks", key: "t1", op: "patch", value: { done: true } }],
    });
    expect(plan).toMatchObject({ kind: "ok", version: 10, writes: [], results: [{ status: "conflict" }] });
  });
});
