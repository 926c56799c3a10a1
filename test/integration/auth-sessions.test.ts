import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { anonymousUser, call, mintIdToken } from "../setup/http";

interface SessionItem {
  id: string;
  deviceId: string | null;
  platform: string | null;
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
}

interface Pair {
  accessToken: string;
  refreshToken: string;
}

/** Signs the same person in on several devices through the fake issuer (one identity). */
async function signInDevices(
  devices: { deviceId: string; platform: string }[],
): Promise<(Pair & { userId: string })[]> {
  const idToken = await mintIdToken({ sub: `sessions-${crypto.randomUUID()}` });
  const out = [];
  for (const device of devices) {
    const signedIn = await call("/v1/auth/oidc", {
      method: "POST",
      json: { provider: env.OIDC_PROVIDER_NAME, idToken, deviceId: device.deviceId },
      headers: { "X-Platform": device.platform },
    });
    expect(signedIn.status).toBe(200);
    const body = await signedIn.json<Pair & { user: { id: string } }>();
    out.push({ ...body, userId: body.user.id });
  }
  return out;
}

const sessions = async (accessToken: string) => {
  const res = await call("/v1/sessions", { token: accessToken });
  expect(res.status).toBe(200);
  return res.json<SessionItem[]>();
};

const refresh = (refreshToken: string) =>
  call("/v1/auth/refresh", { method: "POST", json: { refreshToken } });

describe("POST /v1/auth/logout", () => {
  it("ends the session: 204, then its refresh and access tokens stop working", async () => {
    const user = await anonymousUser();
    const res = await call("/v1/auth/logout", { method: "POST", token: user.accessToken });
    expect(res.status).toBe(204);
    const after = await call("/v1/me", { token: user.accessToken });
    expect(after.status).toBe(401);
    expect(after.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    const refreshed = await refresh(user.refreshToken);
    expect(refreshed.status).toBe(401);
    expect((await refreshed.json<{ code: string }>()).code).toBe("invalid_refresh_token");
  });

  it("requires a bearer token", async () => {
    const res = await call("/v1/auth/logout", { method: "POST" });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("leaves the user's other sessions signed in", async () => {
    const [phone, tablet] = await signInDevices([
      { deviceId: "phone-1", platform: "ios" },
      { deviceId: "tablet-1", platform: "android" },
    ]);
    expect((await call("/v1/auth/logout", { method: "POST", token: phone!.accessToken })).status).toBe(204);
    expect((await call("/v1/me", { token: tablet!.accessToken })).status).toBe(200);
    expect((await refresh(tablet!.refreshToken)).status).toBe(200);
  });
});

describe("GET /v1/sessions", () => {
  it("lists the user's live sessions with device, platform, times and which one is current", async () => {
    const before = Date.now();
    const [phone, tablet] = await signInDevices([
      { deviceId: "phone-2", platform: "ios" },
      { deviceId: "tablet-2", platform: "android" },
    ]);
    const list = await sessions(phone!.accessToken);
    expect(list).toHaveLength(2);
    const byDevice = Object.fromEntries(list.map((s) => [s.deviceId, s]));
    expect(byDevice["phone-2"]).toMatchObject({ platform: "ios", current: true });
    expect(byDevice["tablet-2"]).toMatchObject({ platform: "android", current: false });
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual([
        "createdAt",
        "current",
        "deviceId",
        "id",
        "lastSeenAt",
        "platform",
      ]);
      expect(s.createdAt).toBeGreaterThanOrEqual(before);
      expect(s.lastSeenAt).toBeGreaterThanOrEqual(s.createdAt);
    }
    // Seen from the tablet, the tablet is current.
    const fromTablet = await sessions(tablet!.accessToken);
    expect(fromTablet.find((s) => s.current)?.deviceId).toBe("tablet-2");
  });

  it("leaves out revoked sessions and never shows another user's", async () => {
    const [a, b] = await signInDevices([
      { deviceId: "a", platform: "ios" },
      { deviceId: "b", platform: "ios" },
    ]);
    const stranger = await anonymousUser();
    await call("/v1/auth/logout", { method: "POST", token: b!.accessToken });
    const list = await sessions(a!.accessToken);
    expect(list.map((s) => s.deviceId)).toEqual(["a"]);
    const strangers = await sessions(stranger.accessToken);
    expect(strangers).toHaveLength(1);
    expect(strangers[0]!.current).toBe(true);
  });

  it("requires a bearer token", async () => {
    expect((await call("/v1/sessions")).status).toBe(401);
  });
});

describe("DELETE /v1/sessions/{id}", () => {
  it("revokes one of the user's sessions: that device's tokens stop working at once", async () => {
    const [phone, tablet] = await signInDevices([
      { deviceId: "phone-3", platform: "ios" },
      { deviceId: "tablet-3", platform: "android" },
    ]);
    const tabletSession = (await sessions(phone!.accessToken)).find((s) => s.deviceId === "tablet-3")!;
    const res = await call(`/v1/sessions/${tabletSession.id}`, {
      method: "DELETE",
      token: phone!.accessToken,
    });
    expect(res.status).toBe(204);
    expect((await call("/v1/me", { token: tablet!.accessToken })).status).toBe(401);
    expect((await refresh(tablet!.refreshToken)).status).toBe(401);
    expect((await sessions(phone!.accessToken)).map((s) => s.deviceId)).toEqual(["phone-3"]);
    // Revoking it again: it no longer exists for the caller.
    expect(
      (await call(`/v1/sessions/${tabletSession.id}`, { method: "DELETE", token: phone!.accessToken }))
        .status,
    ).toBe(404);
  });

  it("answers 404 for another user's session and leaves it working (no BOLA)", async () => {
    const victim = await anonymousUser();
    const attacker = await anonymousUser();
    const victimSession = (await sessions(victim.accessToken))[0]!;
    const res = await call(`/v1/sessions/${victimSession.id}`, {
      method: "DELETE",
      token: attacker.accessToken,
    });
    expect(res.status).toBe(404);
    expect((await res.json<{ code: string }>()).code).toBe("not_found");
    expect((await call("/v1/me", { token: victim.accessToken })).status).toBe(200);
    expect((await refresh(victim.refreshToken)).status).toBe(200);
    const row = await env.DB.prepare("SELECT revoked_at FROM sessions WHERE id = ?")
      .bind(victimSession.id)
      .first();
    expect(row).toEqual({ revoked_at: null });
  });

  it("answers 404 for an unknown session id, like for another user's", async () => {
    const user = await anonymousUser();
    const res = await call(`/v1/sessions/${crypto.randomUUID()}`, {
      method: "DELETE",
      token: user.accessToken,
    });
    expect(res.status).toBe(404);
  });
});

describe("revocation seen by other instances", () => {
  afterEach(() => vi.useRealTimers());

  it("reaches an isolate that did not revoke within the 30-second cache bound", async () => {
    const user = await anonymousUser();
    expect((await call("/v1/me", { token: user.accessToken })).status).toBe(200);
    // Revoked elsewhere: straight in D1, so this isolate's cache still says "live".
    await env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE user_id = ?")
      .bind(Date.now(), user.userId)
      .run();
    expect((await call("/v1/me", { token: user.accessToken })).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 30_000);
    expect((await call("/v1/me", { token: user.accessToken })).status).toBe(401);
  });
});
