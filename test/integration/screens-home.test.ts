import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../setup/http";
import { home, seedRecords, seedUnread, sharedSpace, tick, userWithTasks } from "./screens-fixtures";

interface Home {
  user: { id: string; email: string | null; anonymous: boolean };
  spaces: { id: string; name: string; role: string; recordCount: number }[];
  recent: ({ space: string; collection: string; key: string; version: number } & Record<string, unknown>)[];
  unreadCount: number;
  config: { minVersion: string | null; flags: Record<string, unknown> };
}

const IMAGE = "https://images.example.com/u/cat.jpg";
const fast3x = {
  DPR: "3",
  "Viewport-Width": "390",
  ECT: "4g",
  "X-App-Version": "3.2.0",
  "X-Platform": "ios",
};

describe("GET /v1/screens/home", () => {
  it("is described in the OpenAPI document", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>();
    expect(doc.paths["/v1/screens/home"]?.get?.parameters?.map((p) => p.name)).toContain("fields");
  });

  it("refuses a caller without an access token", async () => {
    const res = await call("/v1/screens/home");
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
  });

  it("answers the contract's shape: user, spaces with counts, recent records newest first, unread count, config", async () => {
    const u = await userWithTasks(3);
    const shared = await sharedSpace(u.accessToken, "Family");
    await seedRecords(u.accessToken, shared, [
      { collection: "tasks", key: "gone", value: { title: "soon deleted", done: false } },
      { collection: "tasks", key: "gone", value: null },
    ]);
    await tick();
    await seedRecords(u.accessToken, shared, [
      { collection: "notes", key: "n1", value: { title: "Shopping", body: "milk" } },
    ]);
    await seedUnread(u.userId, 2, 1);

    const res = await home(u.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = await res.json<Home>();
    expect(Object.keys(body)).toEqual(["user", "spaces", "recent", "unreadCount", "entitlements", "config"]);
    expect(body.user).toEqual({ id: u.userId, email: null, anonymous: true });
    expect(body.spaces).toEqual([
      { id: u.spaceId, name: "Personal", role: "owner", recordCount: 3 },
      { id: shared, name: "Family", role: "owner", recordCount: 1 },
    ]);
    // The note was written last; the tombstone never shows.
    expect(body.recent.map((r) => r.key)).toEqual(["n1", u.keys[2], u.keys[1], u.keys[0]]);
    expect(body.recent[0]).toEqual({
      space: shared,
      collection: "notes",
      key: "n1",
      version: 3,
      title: "Shopping",
      body: "milk",
    });
    expect(body.recent[1]).toMatchObject({
      space: u.spaceId,
      collection: "tasks",
      title: "task 2",
      done: false,
    });
    expect(body.unreadCount).toBe(2);
    expect(body.config).toEqual({ minVersion: null, flags: expect.any(Object) });
  });

  it("shows a new user's personal space before anything was synced", async () => {
    const u = await userWithTasks(0);
    await env.DB.prepare("DELETE FROM spaces WHERE id = ?").bind(u.spaceId).run();
    const body = await (await home(u.accessToken)).json<Home>();
    expect(body.spaces).toEqual([{ id: u.spaceId, name: "Personal", role: "owner", recordCount: 0 }]);
    expect(body.recent).toEqual([]);
    expect(body.unreadCount).toBe(0);
  });

  it("never lists records of spaces the caller is not a member of", async () => {
    const owner = await userWithTasks(2);
    const stranger = await userWithTasks(1);
    const body = await (await home(stranger.accessToken)).json<Home>();
    expect(body.recent.map((r) => r.key)).toEqual([stranger.keys[0]]);
    expect(body.spaces.map((s) => s.id)).toEqual([stranger.spaceId]);
    expect(body.recent.some((r) => owner.keys.includes(r.key))).toBe(false);
  });

  describe("page size per profile", () => {
    const cases: [string, Record<string, string>, number][] = [
      ["a fast phone", { ECT: "4g" }, 30],
      ["a phone sending no hints", {}, 30],
      ["a 3G phone", { ECT: "3g" }, 15],
      ["a 2G phone", { ECT: "2g" }, 10],
      ["a slow-2G phone", { ECT: "slow-2g" }, 10],
      ["a Save-Data phone on 4G", { "Save-Data": "on", ECT: "4g" }, 10],
    ];
    it.each(cases)("gives %s its page of recent records", async (_name, headers, expected) => {
      const u = await userWithTasks(40);
      const body = await (await home(u.accessToken, headers)).json<Home>();
      expect(body.recent).toHaveLength(expected);
      expect(body.recent[0]?.title).toBe("task 39");
    });
  });

  describe("image widths per profile", () => {
    const cases: [string, Record<string, string>, string][] = [
      ["a 3× phone 390 wide gets the 1280 rung at q85", fast3x, "width=1280,quality=85"],
      ["a 2× phone 375 wide gets exactly 750", { DPR: "2", "Viewport-Width": "375" }, "width=750,quality=85"],
      ["a phone without hints gets the default 480", {}, "width=480,quality=85"],
      ["a 3G phone gets q75", { DPR: "2", "Viewport-Width": "414", ECT: "3g" }, "width=828,quality=75"],
      [
        "a Save-Data 3× phone gets one rung lower at q60",
        { DPR: "3", "Viewport-Width": "390", "Save-Data": "on" },
        "width=1080,quality=60",
      ],
      ["a huge tablet is capped at 1920", { DPR: "4", "Viewport-Width": "1366" }, "width=1920,quality=85"],
    ];
    it.each(cases)("%s", async (_name, headers, options) => {
      const u = await userWithTasks(1, () => ({ imageUrl: IMAGE }));
      const body = await (await home(u.accessToken, headers)).json<Home>();
      expect(body.recent[0]?.imageUrl).toBe(
        `http://outpost.test/cdn-cgi/image/${options},format=auto/${IMAGE}`,
      );
    });

    // (The tasks schema only stores https image URLs; plain http is covered by the unit tests.)
    it("leaves images on hosts outside IMAGE_HOSTS, or on another port, untouched", async () => {
      const sources = [
        "https://evil.example.net/x.jpg",
        "https://images.example.com.evil.net/x.jpg",
        "https://images.example.com:8443/x.jpg",
        "https://cdn.example.org/y.png",
      ];
      const u = await userWithTasks(4, (i) => ({ imageUrl: sources[i] }));
      const body = await (await home(u.accessToken, fast3x)).json<Home>();
      const byTitle = new Map(body.recent.map((r) => [r.title, r.imageUrl]));
      expect(byTitle.get("task 0")).toBe(sources[0]);
      expect(byTitle.get("task 1")).toBe(sources[1]);
      expect(byTitle.get("task 2")).toBe(sources[2]);
      expect(byTitle.get("task 3")).toBe(
        `http://outpost.test/cdn-cgi/image/width=1280,quality=85,format=auto/${sources[3]}`,
      );
    });
  });

  describe("fields per app version", () => {
    it("never shows tags (added in 3.1.0) to a 3.0.0 app, and shows them from 3.1.0 on", async () => {
      const u = await userWithTasks(2, () => ({ tags: ["home"], dueAt: 1767225600000 }));
      const old = await (await home(u.accessToken, { "X-App-Version": "3.0.0" })).json<Home>();
      expect(old.recent).toHaveLength(2);
      for (const r of old.recent) {
        expect(r).not.toHaveProperty("tags");
        expect(r.dueAt).toBe(1767225600000);
      }
      const current = await (await home(u.accessToken, { "X-App-Version": "3.1.0" })).json<Home>();
      expect(current.recent.every((r) => JSON.stringify(r.tags) === '["home"]')).toBe(true);
      const unversioned = await (await home(u.accessToken)).json<Home>();
      expect(unversioned.recent[0]?.tags).toEqual(["home"]);
    });
  });

  describe("sparse field sets", () => {
    it("picks top-level keys and keys of list items, keeping each item's identity", async () => {
      const u = await userWithTasks(2, () => ({ imageUrl: IMAGE, tags: ["x"] }));
      const res = await home(u.accessToken, {}, "?fields=user,recent.title,recent.done");
      expect(res.status).toBe(200);
      const body = await res.json<Record<string, unknown>>();
      expect(Object.keys(body)).toEqual(["user", "recent"]);
      expect(body.recent).toEqual([
        { space: u.spaceId, collection: "tasks", key: u.keys[1], version: 2, title: "task 1", done: false },
        { space: u.spaceId, collection: "tasks", key: u.keys[0], version: 1, title: "task 0", done: false },
      ]);
    });

    it("reaches into objects and keeps a whole key named next to one of its parts", async () => {
      const u = await userWithTasks(1);
      const res = await home(u.accessToken, {}, "?fields=unreadCount,config.flags,spaces.recordCount,spaces");
      const body = await res.json<Record<string, unknown>>();
      expect(Object.keys(body)).toEqual(["spaces", "unreadCount", "config"]);
      expect(body.config).toEqual({ flags: expect.any(Object) });
      expect(body.spaces).toEqual([{ id: u.spaceId, name: "Personal", role: "owner", recordCount: 1 }]);
    });

    it.each([
      "nope",
      "recent.nope",
      "user.id.more",
      "unreadCount.x",
      ",",
      "recent.",
      "__proto__",
      "constructor",
    ])("answers 400 invalid_query for the unknown field %j", async (fields) => {
      const u = await userWithTasks(1);
      const res = await home(u.accessToken, {}, `?fields=${encodeURIComponent(fields)}`);
      expect(res.status).toBe(400);
      const problem = await res.json<{ code: string }>();
      expect(problem.code).toBe("invalid_query");
    });
  });

  it("says in Vary which headers shaped it, and may be cached privately only after revalidation", async () => {
    const u = await userWithTasks(1);
    const res = await home(u.accessToken, { "Accept-Encoding": "br" });
    const vary = (res.headers.get("Vary") ?? "").split(",").map((v) => v.trim().toLowerCase());
    for (const name of [
      "accept-encoding",
      "save-data",
      "ect",
      "dpr",
      "viewport-width",
      "x-app-version",
      "x-platform",
      "accept-language",
      "authorization",
    ]) {
      expect(vary).toContain(name);
    }
    expect(new Set(vary).size).toBe(vary.length);
    expect(res.headers.get("Cache-Control")).toBe("private, no-cache");
  });

  describe("ETags", () => {
    it("answers 304 with no body to an unchanged repeat, and 200 with a new tag after a change", async () => {
      const u = await userWithTasks(3);
      const first = await home(u.accessToken, fast3x);
      const etag = first.headers.get("ETag");
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      await first.arrayBuffer();

      const repeat = await home(u.accessToken, { ...fast3x, "If-None-Match": etag ?? "" });
      expect(repeat.status).toBe(304);
      expect(await repeat.text()).toBe("");
      expect(repeat.headers.get("ETag")).toBe(etag);
      expect(repeat.headers.get("Vary")).toContain("Accept-Encoding");

      await tick();
      await seedRecords(u.accessToken, "me", [{ collection: "tasks", value: { title: "new", done: true } }]);
      const changed = await home(u.accessToken, { ...fast3x, "If-None-Match": etag ?? "" });
      expect(changed.status).toBe(200);
      expect(changed.headers.get("ETag")).not.toBe(etag);
      expect((await changed.json<Home>()).recent[0]?.title).toBe("new");
    });

    it("gives each representation its own tag: profile and coding both count", async () => {
      const u = await userWithTasks(20, () => ({ imageUrl: IMAGE, tags: ["a", "b"] }));
      const tag = async (headers: Record<string, string>) => {
        const res = await home(u.accessToken, headers);
        await res.arrayBuffer();
        return res.headers.get("ETag") ?? "";
      };
      const br = await tag({ ...fast3x, "Accept-Encoding": "br" });
      const gzip = await tag({ ...fast3x, "Accept-Encoding": "gzip" });
      const plain = await tag({ ...fast3x, "Accept-Encoding": "identity" });
      const old = await tag({ ...fast3x, "X-App-Version": "3.0.0", "Accept-Encoding": "br" });
      const saveData = await tag({ ...fast3x, "Save-Data": "on", "Accept-Encoding": "br" });
      expect(br).toMatch(/^"[0-9a-f]{32}-br"$/);
      expect(gzip).toBe(br.replace("-br", "-gzip"));
      expect(plain).toBe(br.replace("-br", ""));
      expect(new Set([br, old, saveData]).size).toBe(3);
    });

    it("revalidates a tag the edge weakened or re-coded, answering with the tag of this representation", async () => {
      const u = await userWithTasks(20);
      const first = await home(u.accessToken, { "Accept-Encoding": "br" });
      await first.arrayBuffer();
      const etag = first.headers.get("ETag") ?? "";
      const weak = await home(u.accessToken, { "Accept-Encoding": "br", "If-None-Match": `W/${etag}` });
      expect(weak.status).toBe(304);
      const recoded = await home(u.accessToken, {
        "Accept-Encoding": "gzip",
        "If-None-Match": `"other", ${etag}`,
      });
      expect(recoded.status).toBe(304);
      expect(recoded.headers.get("ETag")).toBe(etag.replace("-br", "-gzip"));
      const otherProfile = await home(u.accessToken, {
        "Accept-Encoding": "br",
        "X-App-Version": "3.0.0",
        "Save-Data": "on",
        "If-None-Match": etag,
      });
      expect(otherProfile.status).toBe(200);
    });
  });
});
