import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";

describe("POST /v1/auth/anonymous", () => {
  it("creates an anonymous user with a session and returns a token pair", async () => {
    const deviceId = crypto.randomUUID();
    const res = await call("/v1/auth/anonymous", {
      method: "POST",
      json: { deviceId },
      headers: { "X-Platform": "ios" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await res.json<{
      accessToken: string;
      refreshToken: string;
      expiresIn: number;
      user: { id: string; email: string | null; anonymous: boolean };
    }>();
    expect(body.accessToken.split(".")).toHaveLength(3);
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(body.expiresIn).toBeGreaterThan(0);
    expect(body.expiresIn).toBeLessThanOrEqual(900);
    expect(body.user).toEqual({ id: expect.any(String), email: null, anonymous: true });

    const session = await env.DB.prepare(
      "SELECT user_id, device_id, platform, revoked_at FROM sessions WHERE user_id = ?",
    )
      .bind(body.user.id)
      .first();
    expect(session).toEqual({
      user_id: body.user.id,
      device_id: deviceId,
      platform: "ios",
      revoked_at: null,
    });
    // Only a hash of the refresh token is stored.
    const stored = await env.DB.prepare(
      "SELECT count(*) AS n FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE s.user_id = ? AND t.hash = ?",
    )
      .bind(body.user.id, body.refreshToken)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);
  });

  it("takes the device id from X-Device-Id when the body has none", async () => {
    const deviceId = crypto.randomUUID();
    const res = await call("/v1/auth/anonymous", {
      method: "POST",
      json: {},
      headers: { "X-Device-Id": deviceId },
    });
    expect(res.status).toBe(200);
    const { user } = await res.json<{ user: { id: string } }>();
    const session = await env.DB.prepare("SELECT device_id FROM sessions WHERE user_id = ?")
      .bind(user.id)
      .first();
    expect(session).toEqual({ device_id: deviceId });
  });

  it("rejects unknown fields with invalid_body and creates nothing", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>();
    const res = await call("/v1/auth/anonymous", { method: "POST", json: { deviceId: "d-1", admin: true } });
    expect(res.status).toBe(400);
    expect((await res.json<{ code: string }>()).code).toBe("invalid_body");
    const after = await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});

describe("GET /v1/me", () => {
  it("returns the signed-in user", async () => {
    const user = await anonymousUser();
    const res = await call("/v1/me", { token: user.accessToken });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: user.userId, email: null, anonymous: true });
  });

  it("is 401 with WWW-Authenticate without a token", async () => {
    const res = await call("/v1/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    expect((await res.json<{ code: string }>()).code).toBe("unauthorized");
  });

  it("leaves a bearer that is not JWT-shaped to the admin guard (401 here, not verified)", async () => {
    const res = await call("/v1/me", { token: "adm_not-a-jwt" });
    expect(res.status).toBe(401);
    expect((await res.json<{ code: string }>()).code).toBe("unauthorized");
  });
});
