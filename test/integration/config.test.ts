import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CONFIG_TTL_MS } from "../../worker/config/store";
import { getDb } from "../../worker/db/client";
import { insertConfigRevision } from "../../worker/config/queries";
import { adminHeaders, anonymousUser, call } from "../setup/http";

// The config is global and D1 may be shared with other test files: every test uses its own
// flag names, and minimum versions stay at 1.0.0 so no other file's 3.x app is ever refused.
const flagName = (prefix: string) => `${prefix}_${crypto.randomUUID().slice(0, 8)}`;

const platforms = {
  ios: { minVersion: "1.0.0", storeUrl: "https://apps.apple.com/app/id1" },
  android: { minVersion: "1.0.0", storeUrl: "https://play.google.com/store/apps/details?id=x" },
};

async function putConfig(config: unknown): Promise<Response> {
  return call("/v1/admin/config", { method: "PUT", json: config, headers: adminHeaders(env.ADMIN_API_KEY) });
}

async function putFlags(flags: Record<string, unknown>): Promise<void> {
  const res = await putConfig({ platforms, flags });
  expect(res.status).toBe(200);
}

interface DeviceConfig {
  minVersion: string | null;
  storeUrl: string | null;
  flags: Record<string, unknown>;
}

async function getConfig(headers: Record<string, string> = {}, token?: string) {
  const res = await call("/v1/config", { headers, token });
  expect(res.status).toBe(200);
  return { res, body: await res.json<DeviceConfig>() };
}

const iphone = { "X-Platform": "ios", "X-App-Version": "3.2.1", "Accept-Language": "de-CH, de;q=0.9" };

afterEach(() => vi.restoreAllMocks());

describe("GET /v1/config", () => {
  it("answers the platform's minimum version, store URL and evaluated flags", async () => {
    const name = flagName("newOnboarding");
    await putFlags({
      [name]: {
        default: false,
        rules: [{ platforms: ["ios"], appVersion: ">=3.2.0", locales: ["de"], value: true }],
      },
    });
    const { res, body } = await getConfig(iphone);
    expect(body.minVersion).toBe("1.0.0");
    expect(body.storeUrl).toBe("https://apps.apple.com/app/id1");
    expect(body.flags[name]).toBe(true);
    expect(res.headers.get("Vary")).toContain("X-Platform");
    expect(res.headers.get("Cache-Control")).toContain("private");
  });

  it("gives the default when any condition of the rule does not match", async () => {
    const name = flagName("cond");
    await putFlags({
      [name]: {
        default: "off",
        rules: [{ platforms: ["ios"], appVersion: ">=3.2.0", locales: ["de"], value: "on" }],
      },
    });
    const variants: Record<string, string>[] = [
      { ...iphone, "X-Platform": "android" },
      { ...iphone, "X-App-Version": "3.1.9" },
      { ...iphone, "Accept-Language": "fr-CH, de;q=0.5" },
      { "X-App-Version": "3.2.1", "Accept-Language": "de-CH" },
      { "X-Platform": "ios", "Accept-Language": "de-CH" },
    ];
    for (const headers of variants) {
      expect((await getConfig(headers)).body.flags[name]).toBe("off");
    }
  });

  it("answers null minVersion and storeUrl without an X-Platform header", async () => {
    const { body } = await getConfig({});
    expect(body).toMatchObject({ minVersion: null, storeUrl: null });
  });

  it("takes the first matching rule", async () => {
    const name = flagName("order");
    await putFlags({
      [name]: {
        default: 0,
        rules: [
          { platforms: ["android"], value: 1 },
          { locales: ["de-CH"], value: 2 },
          { locales: ["de"], value: 3 },
        ],
      },
    });
    expect((await getConfig(iphone)).body.flags[name]).toBe(2);
  });

  it("keeps a signed-in user's percentage bucket stable across calls", async () => {
    const name = flagName("rollout");
    await putFlags({ [name]: { default: "control", rules: [{ percent: 50, value: "treatment" }] } });
    const user = await anonymousUser();
    const first = (await getConfig(iphone, user.accessToken)).body.flags[name];
    for (let i = 0; i < 3; i++) {
      expect((await getConfig(iphone, user.accessToken)).body.flags[name]).toBe(first);
    }
  });

  it("never matches percentage rules for callers without an access token, even at 100%", async () => {
    const name = flagName("everyone");
    await putFlags({ [name]: { default: false, rules: [{ percent: 100, value: true }] } });
    expect((await getConfig(iphone)).body.flags[name]).toBe(false);
    const user = await anonymousUser();
    expect((await getConfig(iphone, user.accessToken)).body.flags[name]).toBe(true);
  });

  it("rolls a percentage out to roughly that share of users", async () => {
    const name = flagName("share");
    await putFlags({ [name]: { default: false, rules: [{ percent: 30, value: true }] } });
    const users = await Promise.all(Array.from({ length: 40 }, () => anonymousUser()));
    let on = 0;
    for (const user of users) if ((await getConfig(iphone, user.accessToken)).body.flags[name] === true) on++;
    // 40 users at 30%: expect 12; a fair coin lands in 3..22 with overwhelming probability.
    expect(on).toBeGreaterThanOrEqual(3);
    expect(on).toBeLessThanOrEqual(22);
  });

  it("refuses an invalid access token rather than silently treating the caller as anonymous", async () => {
    const res = await call("/v1/config", { headers: iphone, token: "a.b.c" });
    expect(res.status).toBe(401);
  });
});

describe("ETag and If-None-Match on /v1/config", () => {
  it("answers 304 with no body for a matching ETag, in every spelling a client may use", async () => {
    await putFlags({ [flagName("etag")]: { default: true } });
    const { res } = await getConfig(iphone);
    const etag = res.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    for (const ifNoneMatch of [etag ?? "", `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const again = await call("/v1/config", { headers: { ...iphone, "If-None-Match": ifNoneMatch } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      expect(again.headers.get("ETag")).toBe(etag);
    }
  });

  it("keeps 304s working when the body is compressed (the tag then names the coding)", async () => {
    const flags: Record<string, unknown> = {};
    for (let i = 0; i < 80; i++)
      flags[flagName(`bulk${i}`)] = { default: `value number ${i} of a long list` };
    await putFlags(flags);
    const gzip = { ...iphone, "Accept-Encoding": "gzip" };
    const first = await call("/v1/config", { headers: gzip });
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag") ?? "";
    expect(first.headers.get("Content-Encoding")).toBe("gzip");
    const again = await call("/v1/config", { headers: { ...gzip, "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("answers 200 for a different ETag", async () => {
    const res = await call("/v1/config", { headers: { ...iphone, "If-None-Match": '"something-else"' } });
    expect(res.status).toBe(200);
  });

  it("gives different representations different ETags", async () => {
    const name = flagName("perPlatform");
    await putFlags({ [name]: { default: 1, rules: [{ platforms: ["android"], value: 2 }] } });
    const ios = (await getConfig(iphone)).res.headers.get("ETag");
    const android = (await getConfig({ ...iphone, "X-Platform": "android" })).res.headers.get("ETag");
    expect(ios).not.toBe(android);
  });

  it("answers 200 with a new ETag once the config changes", async () => {
    const name = flagName("change");
    await putFlags({ [name]: { default: "a" } });
    const before = (await getConfig(iphone)).res.headers.get("ETag") ?? "";
    await putFlags({ [name]: { default: "b" } });
    const res = await call("/v1/config", { headers: { ...iphone, "If-None-Match": before } });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).not.toBe(before);
    expect((await res.json<DeviceConfig>()).flags[name]).toBe("b");
  });
});

describe("config staleness", () => {
  it("serves a change made elsewhere within the cache lifetime, never later than 60 seconds", async () => {
    expect(CONFIG_TTL_MS).toBeLessThanOrEqual(60_000);
    const name = flagName("stale");
    await putFlags({ [name]: { default: "old" } });
    // Another isolate stores a new revision: this isolate's copy does not know yet.
    const now = Date.now();
    await insertConfigRevision(
      getDb(env.DB),
      JSON.stringify({ platforms, flags: { [name]: { default: "new", rules: [] } } }),
      now,
    );
    expect((await getConfig(iphone)).body.flags[name]).toBe("old");
    vi.spyOn(Date, "now").mockReturnValue(now + CONFIG_TTL_MS - 1_000);
    expect((await getConfig(iphone)).body.flags[name]).toBe("old");
    vi.spyOn(Date, "now").mockReturnValue(now + CONFIG_TTL_MS + 1);
    expect((await getConfig(iphone)).body.flags[name]).toBe("new");
  });

  it("makes a PUT live at once on the instance that stored it", async () => {
    const name = flagName("instant");
    await putFlags({ [name]: { default: 1 } });
    expect((await getConfig(iphone)).body.flags[name]).toBe(1);
    await putFlags({ [name]: { default: 2 } });
    expect((await getConfig(iphone)).body.flags[name]).toBe(2);
  });
});
