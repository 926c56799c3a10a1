import { describe, expect, it } from "vitest";
import { MAX_PULL_PAGE_BYTES, type Mutation, type PushResponse } from "../../worker/sync/protocol";
import { anonymousUser, call } from "../setup/http";
import { newClientId, pullAll, pullOk, pushOk, putTask, type Caller } from "./sync-helpers";

async function member(): Promise<Caller> {
  const u = await anonymousUser();
  return { token: u.accessToken, deviceId: u.deviceId };
}

/** A push with a hand-written body: `__proto__` keys and deep nesting do not survive JSON.stringify of a literal. */
async function pushRaw(who: Caller, clientId: string, mutationsJson: string[]): Promise<Response> {
  return call("/v1/sync/me/push", {
    method: "POST",
    token: who.token,
    headers: { "Content-Type": "application/json" },
    body: `{"clientId":${JSON.stringify(clientId)},"mutations":[${mutationsJson.join(",")}]}`,
  });
}

const nested = (levels: number) => `${"[".repeat(levels)}"x"${"]".repeat(levels)}`;

describe("a poison value never blocks the client's queue", () => {
  it("rejects a title nested 4,000 arrays deep as invalid_value, counts it applied, and applies the next one", async () => {
    const who = await member();
    const clientId = newClientId();
    const body = [
      `{"id":1,"collection":"tasks","key":"deep","op":"put","value":{"title":${nested(4000)},"done":false}}`,
      `{"id":2,"collection":"tasks","key":"fine","op":"put","value":{"title":"fine","done":false}}`,
    ];
    for (let attempt = 0; attempt < 2; attempt++) {
      // The retry (same body) is skipped as already applied: the queue moved on.
      const res = await pushRaw(who, clientId, body);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const out = JSON.parse(text) as PushResponse;
      expect(out.lastMutationId).toBe(2);
      if (attempt === 0) {
        expect(out.results[0]).toMatchObject({ id: 1, status: "rejected", error: { code: "invalid_value" } });
        expect(out.results[1]).toMatchObject({ id: 2, status: "applied" });
      } else expect(out.results).toEqual([]);
    }
    const { changes } = await pullAll(who, "me");
    expect(changes.map((c) => c.key)).toEqual(["fine"]);
  });

  it("draws the line at 32 levels: 33 is rejected for depth, 32 only by the field's schema", async () => {
    const who = await member();
    const clientId = newClientId();
    // The value object is level 1, so a title of n arrays nests n + 1 levels.
    const res = await pushRaw(who, clientId, [
      `{"id":1,"collection":"tasks","key":"a","op":"put","value":{"title":${nested(32)},"done":false}}`,
      `{"id":2,"collection":"tasks","key":"b","op":"patch","value":{"title":${nested(31)}}}`,
    ]);
    expect(res.status).toBe(200);
    const out = await res.json<PushResponse>();
    expect(out.lastMutationId).toBe(2);
    expect(out.results[0]?.error).toEqual({
      code: "invalid_value",
      message: "A record value nests at most 32 levels deep",
    });
    expect(out.results[1]).toMatchObject({ status: "rejected", error: { code: "invalid_value" } });
    expect(out.results[1]?.error?.errors?.[0]?.path).toBe("title");
  });

  it.each([
    ["__proto__", `{"title":"t","done":false,"__proto__":{"done":true}}`],
    ["constructor", `{"title":"t","done":false,"constructor":{"x":1}}`],
    ["toString", `{"title":"t","done":false,"toString":"x"}`],
  ])("rejects a %s key as an unknown field instead of dropping it", async (name, value) => {
    const who = await member();
    const clientId = newClientId();
    const res = await pushRaw(who, clientId, [
      `{"id":1,"collection":"tasks","key":"k","op":"put","value":${value}}`,
      `{"id":2,"collection":"tasks","key":"k2","op":"put","value":{"title":"ok","done":false}}`,
      `{"id":3,"collection":"tasks","key":"k2","op":"patch","value":{${JSON.stringify(name)}:{"a":1}}}`,
    ]);
    expect(res.status).toBe(200);
    const out = await res.json<PushResponse>();
    expect(out.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["rejected", "unknown_field"],
      ["applied", undefined],
      ["rejected", "unknown_field"],
    ]);
    expect(out.results[0]?.error?.errors).toEqual([{ path: name, message: "unknown field" }]);
    const { changes } = await pullAll(who, "me");
    expect(changes.map((c) => [c.key, c.value])).toEqual([["k2", { title: "ok", done: false }]]);
  });
});

describe("pull pages are bounded in bytes", () => {
  it("stops a page at 4 MiB of record data, with hasMore and a cursor that continues", async () => {
    const who = await member();
    const clientId = newClientId();
    // 50 notes of ~100 KB: ~5 MB in all, 9 per push to stay under the 1 MiB body limit.
    const note = (i: number): Mutation => ({
      id: i,
      collection: "notes",
      key: `n${i}`,
      op: "put",
      value: { title: `n${i}`, body: String(i % 10).repeat(99_000) },
    });
    for (let from = 1; from <= 50; from += 9) {
      const ids = Array.from({ length: Math.min(9, 51 - from) }, (_, i) => from + i);
      await pushOk(who, "me", clientId, ids.map(note));
    }
    const { pages, changes, cursor } = await pullAll(who, "me", { clientId });
    expect(pages.length).toBe(2);
    const [first, second] = pages;
    const bytes = (p: typeof first) =>
      (p?.changes ?? []).reduce((n, c) => n + new TextEncoder().encode(JSON.stringify(c.value)).length, 0);
    expect(first?.hasMore).toBe(true);
    expect(bytes(first)).toBeLessThanOrEqual(MAX_PULL_PAGE_BYTES);
    // Full: the next note would not have fitted.
    expect(bytes(first) + 99_100).toBeGreaterThan(MAX_PULL_PAGE_BYTES);
    expect(first?.cursor).toBe(first?.changes.at(-1)?.version);
    expect(second?.hasMore).toBe(false);
    expect(changes.map((c) => c.key)).toEqual(Array.from({ length: 50 }, (_, i) => `n${i + 1}`));
    expect(cursor).toBe(50);
    expect(pages[1]?.lastMutationId).toBe(50);
  });

  it("still honours a small limit below the byte bound", async () => {
    const who = await member();
    const clientId = newClientId();
    await pushOk(who, "me", clientId, [
      putTask(1, "a", { title: "a", done: false }),
      putTask(2, "b", { title: "b", done: false }),
      putTask(3, "c", { title: "c", done: false }),
    ]);
    const page = await pullOk(who, "me", "cursor=0&limit=2");
    expect(page.changes.map((c) => c.key)).toEqual(["a", "b"]);
    expect(page).toMatchObject({ hasMore: true, cursor: 2 });
    const rest = await pullOk(who, "me", "cursor=2&limit=2");
    expect(rest.changes.map((c) => c.key)).toEqual(["c"]);
    expect(rest).toMatchObject({ hasMore: false, cursor: 3 });
  });
});
