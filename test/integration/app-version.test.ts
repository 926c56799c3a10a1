import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { adminHeaders, anonymousUser, call } from "../setup/http";

// Minimum versions stay low (1.x) because the config is global: other test files send 3.x apps.
const platforms = {
  ios: { minVersion: "1.0.0", storeUrl: "https://apps.apple.com/app/id1" },
  android: { minVersion: "1.5.0", storeUrl: "https://play.google.com/store/apps/details?id=x" },
};

const outdatedIphone = { "X-Platform": "ios", "X-App-Version": "0.9.0" };

beforeAll(async () => {
  const res = await call("/v1/admin/config", {
    method: "PUT",
    json: { platforms, flags: {} },
    headers: adminHeaders(env.ADMIN_API_KEY),
  });
  expect(res.status).toBe(200);
});

interface Problem {
  code: string;
  status: number;
  minVersion: string;
  storeUrl: string;
}

describe("app version policy", () => {
  it("answers 426 upgrade_required with minVersion and storeUrl below the platform's minimum", async () => {
    const user = await anonymousUser();
    const res = await call("/v1/devices", { headers: outdatedIphone, token: user.accessToken });
    expect(res.status).toBe(426);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.json<Problem>()).toMatchObject({
      code: "upgrade_required",
      status: 426,
      minVersion: "1.0.0",
      storeUrl: "https://apps.apple.com/app/id1",
    });
  });

  it("answers 426 before authentication, so an outdated app without a token learns it too", async () => {
    const res = await call("/v1/me", { headers: outdatedIphone });
    expect(res.status).toBe(426);
  });

  it("changes nothing when it refuses a request", async () => {
    const user = await anonymousUser();
    const deviceId = crypto.randomUUID();
    const res = await call(`/v1/devices/${deviceId}`, {
      method: "PUT",
      token: user.accessToken,
      headers: outdatedIphone,
      json: { platform: "ios", appVersion: "0.9.0" },
    });
    expect(res.status).toBe(426);
    const row = await env.DB.prepare("SELECT id FROM devices WHERE id = ?").bind(deviceId).first();
    expect(row).toBeNull();
  });

  it("uses each platform's own minimum", async () => {
    const user = await anonymousUser();
    const android = await call("/v1/devices", {
      headers: { "X-Platform": "android", "X-App-Version": "1.2.0" },
      token: user.accessToken,
    });
    expect(android.status).toBe(426);
    expect((await android.json<Problem>()).minVersion).toBe("1.5.0");
    const ios = await call("/v1/devices", {
      headers: { "X-Platform": "ios", "X-App-Version": "1.2.0" },
      token: user.accessToken,
    });
    expect(ios.status).toBe(200);
  });

  it("lets the minimum version itself through, and refuses its pre-release", async () => {
    const user = await anonymousUser();
    const at = await call("/v1/devices", {
      headers: { "X-Platform": "ios", "X-App-Version": "1.0.0" },
      token: user.accessToken,
    });
    expect(at.status).toBe(200);
    const pre = await call("/v1/devices", {
      headers: { "X-Platform": "ios", "X-App-Version": "1.0.0-beta.1" },
      token: user.accessToken,
    });
    expect(pre.status).toBe(426);
  });

  it("does not apply to /v1/config, /healthz, the JWKS or the API docs", async () => {
    const config = await call("/v1/config", { headers: outdatedIphone });
    expect(config.status).toBe(200);
    expect(await config.json()).toMatchObject({ minVersion: "1.0.0", storeUrl: platforms.ios.storeUrl });
    for (const path of ["/healthz", "/.well-known/jwks.json", "/openapi.json", "/docs"]) {
      expect((await call(path, { headers: outdatedIphone })).status, path).toBe(200);
    }
  });

  it("lets requests without a platform or version header pass", async () => {
    const user = await anonymousUser();
    const variants: Record<string, string>[] = [{ "X-App-Version": "0.1.0" }, { "X-Platform": "ios" }, {}];
    for (const headers of variants) {
      expect((await call("/v1/devices", { headers, token: user.accessToken })).status).toBe(200);
    }
  });
});
