import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db/client";
import { insertConfigRevision } from "../../worker/config/queries";
import { adminHeaders, anonymousUser, call } from "../setup/http";

const platforms = {
  ios: { minVersion: "1.0.0", storeUrl: "https://apps.apple.com/app/id1" },
  android: { minVersion: "1.0.0", storeUrl: "market://details?id=x" },
};

const admin = () => adminHeaders(env.ADMIN_API_KEY);

async function readBack(): Promise<{ revision: number; config: unknown }> {
  const res = await call("/v1/admin/config", { headers: admin() });
  expect(res.status).toBe(200);
  return { revision: Number(res.headers.get("X-Config-Revision")), config: await res.json() };
}

const put = (json: unknown, headers: Record<string, string> = admin()) =>
  call("/v1/admin/config", { method: "PUT", json, headers });

describe("admin authentication", () => {
  const routes: [string, string][] = [
    ["GET", "/v1/admin/config"],
    ["PUT", "/v1/admin/config"],
    ["GET", "/v1/admin/metrics"],
  ];
  for (const [method, path] of routes) {
    it(`refuses ${method} ${path} without a key (401), with a wrong key (401) and with a user token (403)`, async () => {
      const before = await readBack();
      const json = method === "PUT" ? { platforms, flags: { hijack: { default: true } } } : undefined;
      const none = await call(path, { method, json });
      expect(none.status).toBe(401);
      expect((await none.json<{ code: string }>()).code).toBe("unauthorized");
      const wrong = await call(path, {
        method,
        json,
        headers: { Authorization: `Bearer ${env.ADMIN_API_KEY}x` },
      });
      expect(wrong.status).toBe(401);
      const user = await anonymousUser();
      const asUser = await call(path, { method, json, token: user.accessToken });
      expect(asUser.status).toBe(403);
      expect((await asUser.json<{ code: string }>()).code).toBe("forbidden");
      expect(await readBack()).toEqual(before);
    });
  }
});

describe("PUT /v1/admin/config", () => {
  it("stores the config, reads it back and raises the revision", async () => {
    const before = await readBack();
    const config = {
      platforms,
      flags: {
        newOnboarding: {
          default: false,
          rules: [{ platforms: ["ios"], appVersion: ">=3.2.0", locales: ["de"], percent: 50, value: true }],
        },
        maxItems: { default: 20, rules: [] },
        theme: { default: null, rules: [] },
      },
    };
    const res = await put(config);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(config);
    const revision = Number(res.headers.get("X-Config-Revision"));
    expect(revision).toBeGreaterThan(before.revision);
    expect(await readBack()).toEqual({ revision, config });
  });

  it("reads back a revision stored by another instance at once, not the cached copy", async () => {
    expect((await put({ platforms, flags: { here: { default: 1 } } })).status).toBe(200);
    const elsewhere = { platforms, flags: { elsewhere: { default: 2, rules: [] } } };
    const stored = await insertConfigRevision(getDb(env.DB), JSON.stringify(elsewhere), Date.now());
    expect(await readBack()).toEqual({ revision: stored.revision, config: elsewhere });
  });

  it("stores a PUT whose If-Match names the live revision, and refuses a stale one with 412", async () => {
    const get = await call("/v1/admin/config", { headers: admin() });
    const etag = get.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"config-r\d+"$/);
    const first = await put(
      { platforms, flags: { editor: { default: "a" } } },
      { ...admin(), "If-Match": etag },
    );
    expect(first.status).toBe(200);
    const after = await readBack();
    // A second editor still holding the old ETag loses, and changes nothing.
    const stale = await put(
      { platforms, flags: { editor: { default: "b" } } },
      { ...admin(), "If-Match": etag },
    );
    expect(stale.status).toBe(412);
    expect((await stale.json<{ code: string }>()).code).toBe("precondition_failed");
    expect(stale.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(await readBack()).toEqual(after);
    const junk = await put({ platforms, flags: {} }, { ...admin(), "If-Match": '"something"' });
    expect(junk.status).toBe(412);
    expect(await readBack()).toEqual(after);
  });

  it("lets exactly one of two PUTs with the same If-Match win", async () => {
    const etag = (await call("/v1/admin/config", { headers: admin() })).headers.get("ETag") ?? "";
    const results = await Promise.all(
      ["x", "y"].map((v) =>
        put({ platforms, flags: { race: { default: v } } }, { ...admin(), "If-Match": etag }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it("fills in defaults: no platforms and no rules", async () => {
    const res = await put({ flags: { plain: { default: "x" } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ platforms: {}, flags: { plain: { default: "x", rules: [] } } });
    expect(await put({ platforms, flags: {} })).toHaveProperty("status", 200);
  });

  const invalid: [string, unknown, string][] = [
    ["an unknown top-level field", { platforms, flags: {}, extra: 1 }, ""],
    ["an unknown platform", { platforms: { windows: platforms.ios }, flags: {} }, "platforms"],
    ["an unknown field in a platform", { platforms: { ios: { ...platforms.ios, x: 1 } } }, "platforms.ios"],
    [
      "a minVersion that is not semver",
      { platforms: { ios: { ...platforms.ios, minVersion: "3" } } },
      "platforms.ios.minVersion",
    ],
    [
      "a store URL over plain http",
      { platforms: { ios: { ...platforms.ios, storeUrl: "http://x.test" } } },
      "platforms.ios.storeUrl",
    ],
    [
      "a store URL that is not a URL",
      { platforms: { ios: { ...platforms.ios, storeUrl: "apps" } } },
      "platforms.ios.storeUrl",
    ],
    ["a flag without a default", { flags: { f: { rules: [] } } }, "flags.f.default"],
    ["an object as a flag value", { flags: { f: { default: { a: 1 } } } }, "flags.f.default"],
    [
      "an array as a rule value",
      { flags: { f: { default: true, rules: [{ value: [true] }] } } },
      "flags.f.rules.0.value",
    ],
    [
      "a rule value of another type than the default",
      { flags: { f: { default: true, rules: [{ value: "yes" }] } } },
      "flags.f.rules.0.value",
    ],
    [
      "a rule without a value",
      { flags: { f: { default: true, rules: [{ percent: 5 }] } } },
      "flags.f.rules.0.value",
    ],
    [
      "an invalid semver range",
      { flags: { f: { default: true, rules: [{ appVersion: ">=banana", value: false }] } } },
      "flags.f.rules.0.appVersion",
    ],
    [
      "a percent over 100",
      { flags: { f: { default: true, rules: [{ percent: 101, value: false }] } } },
      "flags.f.rules.0.percent",
    ],
    [
      "a negative percent",
      { flags: { f: { default: true, rules: [{ percent: -1, value: false }] } } },
      "flags.f.rules.0.percent",
    ],
    [
      "a fractional percent",
      { flags: { f: { default: true, rules: [{ percent: 2.5, value: false }] } } },
      "flags.f.rules.0.percent",
    ],
    [
      "an unknown platform in a rule",
      { flags: { f: { default: true, rules: [{ platforms: ["web"], value: false }] } } },
      "flags.f.rules.0.platforms.0",
    ],
    [
      "an empty platform list",
      { flags: { f: { default: true, rules: [{ platforms: [], value: false }] } } },
      "flags.f.rules.0.platforms",
    ],
    [
      "a junk locale",
      { flags: { f: { default: true, rules: [{ locales: ["german!"], value: false }] } } },
      "flags.f.rules.0.locales.0",
    ],
    [
      "an unknown rule field",
      { flags: { f: { default: true, rules: [{ country: "CH", value: false }] } } },
      "flags.f.rules.0",
    ],
    ["a flag name with spaces", { flags: { "my flag": { default: true } } }, "flags.my flag"],
    ["a string as the config", "config", ""],
  ];
  for (const [what, body, path] of invalid) {
    it(`refuses ${what} with 400 invalid_body and keeps the live config`, async () => {
      const before = await readBack();
      const res = await put(body);
      expect(res.status).toBe(400);
      const problem = await res.json<{ code: string; errors: { path: string }[] }>();
      expect(problem.code).toBe("invalid_body");
      expect(problem.errors.map((e) => e.path)).toContain(path);
      expect(await readBack()).toEqual(before);
    });
  }

  it("refuses malformed JSON with 400 invalid_json and keeps the live config", async () => {
    const before = await readBack();
    const res = await call("/v1/admin/config", {
      method: "PUT",
      body: '{"flags": {',
      headers: { ...admin(), "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect((await res.json<{ code: string }>()).code).toBe("invalid_json");
    expect(await readBack()).toEqual(before);
  });
});
