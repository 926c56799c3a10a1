import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { hashRefreshToken } from "../../worker/auth/refresh";
import { anonymousUser, call, mintIdToken } from "../setup/http";
import { callWith, expectRateLimited, startOfWindow } from "./rate-limit-helpers";

// The auth bindings swapped for tiny ones: 3 per IP and 2 per device, per minute.
const tiny = (): Partial<Env> => ({
  RATE_LIMIT_AUTH_IP: env.TEST_RATE_LIMIT_TINY_IP,
  RATE_LIMIT_AUTH_DEVICE: env.TEST_RATE_LIMIT_TINY_DEVICE,
});

const anonymous = (deviceId: string, ip?: string) =>
  callWith(tiny(), "/v1/auth/anonymous", {
    method: "POST",
    json: { deviceId },
    headers: ip ? { "CF-Connecting-IP": ip } : {},
  });

async function sessionsOf(deviceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE device_id = ?")
    .bind(deviceId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** A documentation-range IPv6 /64 nobody else in the run uses, and an address in it. */
const randomNetwork = () => `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
const randomIp = (network = randomNetwork()) => `${network}:${crypto.randomUUID().slice(0, 4)}::1`;

beforeEach(startOfWindow);

describe("rate limits on sign-in, refresh and anonymous sign-up (Rate Limiting binding)", () => {
  it("refuses a burst of anonymous sign-ups from one device with 429, and mints nothing for it", async () => {
    const device = crypto.randomUUID();
    expect((await anonymous(device)).status).toBe(200);
    expect((await anonymous(device)).status).toBe(200);
    await expectRateLimited(await anonymous(device));
    await expectRateLimited(await anonymous(device));
    expect(await sessionsOf(device)).toBe(2);
  });

  it("limits per device: another device is unaffected", async () => {
    const device = crypto.randomUUID();
    await anonymous(device);
    await anonymous(device);
    await expectRateLimited(await anonymous(device));
    expect((await anonymous(crypto.randomUUID())).status).toBe(200);
  });

  it("limits per IP whatever device id the caller makes up; another IP is unaffected", async () => {
    const ip = "198.51.100.7"; // used by no other test
    const fresh = crypto.randomUUID();
    for (let i = 0; i < 3; i++) expect((await anonymous(crypto.randomUUID(), ip)).status).toBe(200);
    await expectRateLimited(await anonymous(fresh, ip));
    expect(await sessionsOf(fresh)).toBe(0);
    expect((await anonymous(crypto.randomUUID(), randomIp())).status).toBe(200);
  });

  it("limits an IPv6 caller by its /64, not by each address in it", async () => {
    const network = randomNetwork();
    for (let i = 0; i < 3; i++)
      expect((await anonymous(crypto.randomUUID(), randomIp(network))).status).toBe(200);
    await expectRateLimited(await anonymous(crypto.randomUUID(), randomIp(network)));
    expect((await anonymous(crypto.randomUUID(), randomIp())).status).toBe(200);
  });

  it("takes the device from X-Device-Id when the body names none", async () => {
    const device = crypto.randomUUID();
    const headerOnly = () =>
      callWith(tiny(), "/v1/auth/anonymous", {
        method: "POST",
        json: {},
        headers: { "X-Device-Id": device },
      });
    expect((await headerOnly()).status).toBe(200);
    expect((await headerOnly()).status).toBe(200);
    await expectRateLimited(await headerOnly());
  });

  it("refuses a burst of OIDC sign-ins from one device, and links no identity for it", async () => {
    const device = crypto.randomUUID();
    const subjects = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const signIn = async (sub: string) =>
      callWith(tiny(), "/v1/auth/oidc", {
        method: "POST",
        json: { provider: env.OIDC_PROVIDER_NAME, idToken: await mintIdToken({ sub }), deviceId: device },
      });
    expect((await signIn(subjects[0] ?? "")).status).toBe(200);
    expect((await signIn(subjects[1] ?? "")).status).toBe(200);
    await expectRateLimited(await signIn(subjects[2] ?? ""));
    const linked = await env.DB.prepare("SELECT COUNT(*) AS n FROM identities WHERE subject = ?")
      .bind(subjects[2])
      .first<{ n: number }>();
    expect(linked?.n).toBe(0);
    expect(await sessionsOf(device)).toBe(2);
  });

  it("refuses a burst of refreshes from one device without spending the refused token", async () => {
    const user = await anonymousUser();
    const refresh = (refreshToken: string) =>
      callWith(tiny(), "/v1/auth/refresh", {
        method: "POST",
        json: { refreshToken },
        headers: { "X-Device-Id": user.deviceId },
      });
    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    const second = await refresh((await first.json<{ refreshToken: string }>()).refreshToken);
    expect(second.status).toBe(200);
    const live = (await second.json<{ refreshToken: string }>()).refreshToken;
    await expectRateLimited(await refresh(live));
    const row = await env.DB.prepare("SELECT used_at FROM refresh_tokens WHERE hash = ?")
      .bind(await hashRefreshToken(live))
      .first<{ used_at: number | null }>();
    expect(row).toEqual({ used_at: null });
    // Under the default limits the same token still rotates: the refusal changed nothing.
    expect((await call("/v1/auth/refresh", { method: "POST", json: { refreshToken: live } })).status).toBe(
      200,
    );
  });

  it("keeps separate counts per endpoint: a device that used up sign-up can still refresh", async () => {
    const device = crypto.randomUUID();
    const user = await anonymousUser(device);
    await anonymous(device);
    await anonymous(device);
    await expectRateLimited(await anonymous(device));
    const res = await callWith(tiny(), "/v1/auth/refresh", {
      method: "POST",
      json: { refreshToken: user.refreshToken },
      headers: { "X-Device-Id": device },
    });
    expect(res.status).toBe(200);
  });
});
