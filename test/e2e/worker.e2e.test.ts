import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

// The built bundle, served by workerd through the Miniflare API on a real loopback socket, signing
// in against the fake OIDC issuer over real HTTP: the whole path a phone takes, minus Cloudflare.

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string | null; anonymous: boolean };
}

let worker: StartedWorker;

const device = {
  "X-Platform": "ios",
  "X-App-Version": "3.2.1",
  "Accept-Language": "de-CH, de;q=0.9",
};

async function mintIdToken(claims: { sub: string; email?: string; nonce?: string }): Promise<string> {
  const res = await fetch(`${worker.fakes.controlUrl}/oidc/id-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(claims),
  });
  if (!res.ok) throw new Error(`fake issuer refused to mint: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { idToken: string };
  return body.idToken;
}

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

describe("the built worker over real sockets", () => {
  it("answers /healthz with ok after reaching D1, on 127.0.0.1", async () => {
    expect(new URL(worker.url).hostname).toBe("127.0.0.1");
    const res = await fetchJson(worker.url, "/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("signs in anonymously and serves /v1/me with the access token", async () => {
    const deviceId = crypto.randomUUID();
    const signIn = await fetchJson<TokenPair>(worker.url, "/v1/auth/anonymous", {
      method: "POST",
      json: { deviceId },
      headers: device,
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user.anonymous).toBe(true);
    expect(signIn.body.accessToken.split(".")).toHaveLength(3);

    const me = await fetchJson<{ id: string; anonymous: boolean }>(worker.url, "/v1/me", {
      token: signIn.body.accessToken,
      headers: device,
    });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(signIn.body.user.id);

    const anonymous = await fetchJson(worker.url, "/v1/me", { headers: device });
    expect(anonymous.status).toBe(401);
  });

  it("publishes only public keys at /.well-known/jwks.json", async () => {
    const res = await fetchJson<{ keys: Record<string, unknown>[] }>(worker.url, "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key).toHaveProperty("kid");
      expect(key).not.toHaveProperty("d");
    }
  });

  it("verifies an ID token against the fake issuer's JWKS over HTTP and upgrades the anonymous user", async () => {
    const anonymous = await fetchJson<TokenPair>(worker.url, "/v1/auth/anonymous", {
      method: "POST",
      json: { deviceId: crypto.randomUUID() },
      headers: device,
    });
    expect(anonymous.status).toBe(200);

    const sub = `e2e-${crypto.randomUUID()}`;
    const nonce = crypto.randomUUID();
    const idToken = await mintIdToken({ sub, email: `${sub}@example.com`, nonce });
    const signIn = await fetchJson<TokenPair>(worker.url, "/v1/auth/oidc", {
      method: "POST",
      token: anonymous.body.accessToken,
      json: { provider: worker.fakes.oidc.name, idToken, nonce, deviceId: crypto.randomUUID() },
      headers: device,
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({
      id: anonymous.body.user.id,
      email: `${sub}@example.com`,
      anonymous: false,
    });

    const me = await fetchJson<{ id: string; anonymous: boolean }>(worker.url, "/v1/me", {
      token: signIn.body.accessToken,
      headers: device,
    });
    expect(me.body).toMatchObject({ id: anonymous.body.user.id, anonymous: false });
  });

  it("refuses a tampered ID token and a wrong nonce, leaving the anonymous caller as it was", async () => {
    const anonymous = await fetchJson<TokenPair>(worker.url, "/v1/auth/anonymous", {
      method: "POST",
      json: { deviceId: crypto.randomUUID() },
      headers: device,
    });
    const sub = `e2e-${crypto.randomUUID()}`;
    const idToken = await mintIdToken({ sub, email: `${sub}@example.com`, nonce: "expected" });
    const [header, payload, signature = ""] = idToken.split(".");
    const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const tampered = await fetchJson<{ code: string }>(worker.url, "/v1/auth/oidc", {
      method: "POST",
      token: anonymous.body.accessToken,
      json: {
        provider: worker.fakes.oidc.name,
        idToken: `${header}.${payload}.${flipped}`,
        nonce: "expected",
      },
      headers: device,
    });
    expect(tampered.status).toBe(401);
    expect(tampered.body.code).toBe("invalid_id_token");

    const wrongNonce = await fetchJson<{ code: string }>(worker.url, "/v1/auth/oidc", {
      method: "POST",
      token: anonymous.body.accessToken,
      json: { provider: worker.fakes.oidc.name, idToken, nonce: "something-else" },
      headers: device,
    });
    expect(wrongNonce.status).toBe(401);
    expect(wrongNonce.body.code).toBe("invalid_id_token");

    const me = await fetchJson<{ id: string; email: string | null; anonymous: boolean }>(
      worker.url,
      "/v1/me",
      {
        token: anonymous.body.accessToken,
        headers: device,
      },
    );
    expect(me.body).toMatchObject({ id: anonymous.body.user.id, email: null, anonymous: true });
  });

  it("rotates the refresh token and the new access token works", async () => {
    const idToken = await mintIdToken({ sub: `e2e-${crypto.randomUUID()}` });
    const signIn = await fetchJson<TokenPair>(worker.url, "/v1/auth/oidc", {
      method: "POST",
      json: { provider: worker.fakes.oidc.name, idToken },
      headers: device,
    });
    expect(signIn.status).toBe(200);

    const refreshed = await fetchJson<TokenPair>(worker.url, "/v1/auth/refresh", {
      method: "POST",
      json: { refreshToken: signIn.body.refreshToken },
      headers: device,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(signIn.body.refreshToken);
    expect(refreshed.body.expiresIn).toBeLessThanOrEqual(900);

    const me = await fetchJson<{ id: string }>(worker.url, "/v1/me", {
      token: refreshed.body.accessToken,
      headers: device,
    });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(signIn.body.user.id);
  });

  it("serves /v1/config per device from the admin config, with an ETag that answers 304", async () => {
    const put = await fetchJson(worker.url, "/v1/admin/config", {
      method: "PUT",
      headers: { Authorization: `Bearer ${worker.adminKey}` },
      json: {
        platforms: {
          ios: { minVersion: "3.0.0", storeUrl: "https://apps.apple.com/app/id1" },
          android: { minVersion: "3.0.0", storeUrl: "https://play.google.com/store/apps/details?id=x" },
        },
        flags: {
          newOnboarding: { default: false, rules: [{ platforms: ["ios"], value: true }] },
        },
      },
    });
    expect(put.status).toBe(200);

    const signIn = await fetchJson<TokenPair>(worker.url, "/v1/auth/anonymous", {
      method: "POST",
      json: { deviceId: crypto.randomUUID() },
      headers: device,
    });
    const config = await fetchJson<{ minVersion: string; flags: Record<string, unknown> }>(
      worker.url,
      "/v1/config",
      { token: signIn.body.accessToken, headers: device },
    );
    expect(config.status).toBe(200);
    expect(config.body.minVersion).toBe("3.0.0");
    expect(config.body.flags.newOnboarding).toBe(true);

    const etag = config.headers.get("ETag");
    expect(etag).toBeTruthy();
    const again = await fetch(`${worker.url}/v1/config`, {
      headers: { ...device, Authorization: `Bearer ${signIn.body.accessToken}`, "If-None-Match": etag ?? "" },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const android = await fetchJson<{ flags: Record<string, unknown> }>(worker.url, "/v1/config", {
      token: signIn.body.accessToken,
      headers: { ...device, "X-Platform": "android" },
    });
    expect(android.body.flags.newOnboarding).toBe(false);
  });
});
