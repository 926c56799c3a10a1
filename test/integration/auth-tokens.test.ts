import { env } from "cloudflare:workers";
import { SignJWT, base64url, createLocalJWKSet, generateKeyPair, importJWK, jwtVerify, type JWK } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { anonymousUser, call, type SignedIn } from "../setup/http";

const signingKeys = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: (JWK & { kid: string })[] }).keys;
const publicOf = ({ d: _d, ...jwk }: JWK) => jwk;

interface Forge {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Which configured private key signs (default the first)... */
  keyIndex?: number;
  /** ...unless another key is given (with `header.alg` to match). */
  key?: CryptoKey | Uint8Array;
}

/** A token signed like the Worker signs, with overridable header, claims and key. */
async function sign(user: SignedIn, sessionId: string, forge: Forge = {}): Promise<string> {
  const jwk = signingKeys[forge.keyIndex ?? 0]!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: user.userId,
    sid: sessionId,
    anon: true,
    iss: env.JWT_ISSUER,
    aud: env.JWT_AUDIENCE,
    iat: now,
    exp: now + 600,
    ...forge.claims,
  })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: jwk.kid, ...forge.header })
    .sign(forge.key ?? (await importJWK(jwk, "ES256")));
}

const segment = (value: unknown) => base64url.encode(JSON.stringify(value));

let user: SignedIn;
let sessionId: string;

beforeAll(async () => {
  user = await anonymousUser();
  const [, payload] = user.accessToken.split(".");
  sessionId = (JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as { sid: string }).sid;
});

async function expectRefused(token: string) {
  const res = await call("/v1/me", { token });
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  expect((await res.json<{ code: string }>()).code).toBe("unauthorized");
}

describe("access tokens", () => {
  it("are ES256 at+jwt with kid, sub, sid, iat, exp (≤ 15 min), iss and aud", async () => {
    const [h, p] = user.accessToken.split(".");
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h!)));
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
    expect(header).toEqual({ alg: "ES256", typ: "at+jwt", kid: signingKeys[0]!.kid });
    expect(claims).toMatchObject({ sub: user.userId, sid: expect.any(String), anon: true });
    expect(claims.iss).toBe(env.JWT_ISSUER);
    expect(claims.aud).toBe(env.JWT_AUDIENCE);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(15 * 60);
  });

  it("a token this test signs like the Worker does is accepted (the forgeries below differ in one thing)", async () => {
    expect((await call("/v1/me", { token: await sign(user, sessionId) })).status).toBe(200);
  });

  it("verifies a token signed with the second key of JWT_SIGNING_KEYS (rotation)", async () => {
    const token = await sign(user, sessionId, { keyIndex: 1 });
    const res = await call("/v1/me", { token });
    expect(res.status).toBe(200);
    expect((await res.json<{ id: string }>()).id).toBe(user.userId);
  });

  describe("refuses forged tokens with 401 and WWW-Authenticate", () => {
    it("a bad signature", async () => {
      const [h, p, s] = user.accessToken.split(".");
      const flipped = (s!.startsWith("A") ? "B" : "A") + s!.slice(1);
      await expectRefused(`${h}.${p}.${flipped}`);
    });

    it("a signature by another key under a configured kid", async () => {
      const { privateKey } = await generateKeyPair("ES256");
      await expectRefused(await sign(user, sessionId, { key: privateKey }));
    });

    it("an unknown kid", async () => {
      await expectRefused(await sign(user, sessionId, { header: { kid: "someone-else" } }));
    });

    it("alg none", async () => {
      const [, p] = user.accessToken.split(".");
      await expectRefused(`${segment({ alg: "none", typ: "at+jwt", kid: signingKeys[0]!.kid })}.${p}.`);
    });

    it("HS256 keyed with the public key", async () => {
      const jwks = await (await call("/.well-known/jwks.json")).text();
      const publicJwk = JSON.stringify(publicOf(signingKeys[0]!));
      for (const secret of [jwks, publicJwk]) {
        const key = new TextEncoder().encode(secret);
        await expectRefused(await sign(user, sessionId, { key, header: { alg: "HS256" } }));
      }
    });

    it("an expired token", async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(await sign(user, sessionId, { claims: { iat: now - 1200, exp: now - 300 } }));
    });

    it("a wrong issuer", async () => {
      await expectRefused(await sign(user, sessionId, { claims: { iss: "https://evil.example" } }));
    });

    it("a wrong audience", async () => {
      await expectRefused(await sign(user, sessionId, { claims: { aud: "another-service" } }));
    });

    it("a wrong or missing typ (e.g. an ID token replayed as an access token)", async () => {
      await expectRefused(await sign(user, sessionId, { header: { typ: "JWT" } }));
      await expectRefused(await sign(user, sessionId, { header: { typ: undefined } }));
    });

    it("a tampered payload (another user's id under the original signature)", async () => {
      const other = await anonymousUser();
      const [h, p, s] = user.accessToken.split(".");
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
      await expectRefused(`${h}.${segment({ ...claims, sub: other.userId })}.${s}`);
    });

    it("missing sid, or a lifetime over 15 minutes", async () => {
      await expectRefused(await sign(user, sessionId, { claims: { sid: undefined } }));
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(await sign(user, sessionId, { claims: { iat: now, exp: now + 3600 } }));
    });

    it("a correctly signed token for a session that does not exist", async () => {
      await expectRefused(await sign(user, crypto.randomUUID()));
    });
  });

  describe("the per-isolate cache of verified tokens", () => {
    afterEach(() => vi.useRealTimers());

    it("still refuses a token it accepted once, after the token expires", async () => {
      const token = await sign(user, sessionId);
      expect((await call("/v1/me", { token })).status).toBe(200); // verified, now cached
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 11 * 60 * 1000); // exp is iat + 600 s (+5 s tolerance)
      await expectRefused(token);
    });

    it("never lets a cached token vouch for a tampered copy of it", async () => {
      expect((await call("/v1/me", { token: user.accessToken })).status).toBe(200);
      const [h, p, s] = user.accessToken.split(".");
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
      await expectRefused(`${h}.${segment({ ...claims, anon: false })}.${s}`);
      // Change a character in the middle of the signature: all six of its bits count (the last
      // character of a base64url ES256 signature carries only two, so editing it can be a no-op).
      const sig = s!;
      const flipped = sig.slice(0, 20) + (sig[20] === "A" ? "B" : "A") + sig.slice(21);
      await expectRefused(`${h}.${p}.${flipped}`);
    });

    it("still honours revocation of a cached token's session", async () => {
      const other = await anonymousUser();
      expect((await call("/v1/me", { token: other.accessToken })).status).toBe(200);
      expect((await call("/v1/auth/logout", { method: "POST", token: other.accessToken })).status).toBe(204);
      await expectRefused(other.accessToken);
    });
  });

  it("a refused token changes nothing: the user's real token still works", async () => {
    await expectRefused(await sign(user, sessionId, { claims: { aud: "x" } }));
    expect((await call("/v1/me", { token: user.accessToken })).status).toBe(200);
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes every configured key, public parts only, cacheable for minutes", async () => {
    const res = await call("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toMatch(/max-age=(\d{3})/);
    const { keys } = await res.json<{ keys: Record<string, unknown>[] }>();
    expect(keys.map((k) => k.kid)).toEqual(signingKeys.map((k) => k.kid));
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(key).not.toHaveProperty("d");
    }
  });

  it("verifies a token the Worker issued", async () => {
    const jwks = createLocalJWKSet(await (await call("/.well-known/jwks.json")).json());
    const { payload, protectedHeader } = await jwtVerify(user.accessToken, jwks, {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      algorithms: ["ES256"],
      typ: "at+jwt",
    });
    expect(payload.sub).toBe(user.userId);
    expect(protectedHeader.kid).toBe(signingKeys[0]!.kid);
  });
});
