import { describe, expect, it } from "vitest";
import { applyLocal, rebase, replay } from "../../client/src/sync/rebase";
import { rid, type PendingMutation, type ServerRecord } from "../../client/src/sync/types";

const m = (
  id: number,
  op: PendingMutation["op"],
  key: string,
  value?: Record<string, unknown>,
): PendingMutation => ({
  id,
  collection: "tasks",
  key,
  op,
  ...(value ? { value } : {}),
});

describe("applyLocal (one edit, as the server applies it)", () => {
  it.each([
    ["put replaces the whole value", { a: 1, b: 2 }, m(1, "put", "k", { a: 3 }), { a: 3 }],
    ["put drops null fields", undefined, m(1, "put", "k", { a: 1, b: null }), { a: 1 }],
    ["patch merges given fields", { a: 1, b: 2 }, m(1, "patch", "k", { b: 3 }), { a: 1, b: 3 }],
    ["patch with null clears a field", { a: 1, b: 2 }, m(1, "patch", "k", { b: null }), { a: 1 }],
    ["patch of a missing record creates it", undefined, m(1, "patch", "k", { a: 1 }), { a: 1 }],
    ["delete removes", { a: 1 }, m(1, "delete", "k"), undefined],
  ])("%s", (_name, current, mutation, expected) => {
    expect(applyLocal(current, mutation)).toEqual(expected);
  });

  it("never mutates the value it is given", () => {
    const current = Object.freeze({ a: 1 });
    expect(applyLocal(current, m(1, "patch", "k", { b: 2 }))).toEqual({ a: 1, b: 2 });
  });
});

describe("rebase (pulled server state + pending edits)", () => {
  it("replays pending edits in id order on top of the pulled value", () => {
    const server: ServerRecord = { version: 4, value: { title: "a", done: false } };
    expect(replay(server, [m(1, "patch", "k", { done: true }), m(2, "patch", "k", { title: "b" })])).toEqual({
      title: "b",
      done: true,
    });
  });

  it("recomputes only the records it is asked about", () => {
    const server = new Map<string, ServerRecord>([
      [rid("tasks", "a"), { version: 1, value: { n: 1 } }],
      [rid("tasks", "b"), { version: 2, value: { n: 2 } }],
    ]);
    const pending = new Map([[rid("tasks", "b"), [m(7, "delete", "b")]]]);
    const out = rebase([rid("tasks", "b"), rid("tasks", "c")], server, pending);
    expect([...out]).toEqual([
      [rid("tasks", "b"), undefined],
      [rid("tasks", "c"), undefined],
    ]);
  });

  it("lets a pulled change of a field the user did not edit show through a pending patch", () => {
    const pulled: ServerRecord = { version: 9, value: { title: "renamed elsewhere", done: false } };
    expect(replay(pulled, [m(3, "patch", "k", { done: true })])).toEqual({
      title: "renamed elsewhere",
      done: true,
    });
  });
});
