import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call, mintIdToken as idToken } from "../setup/http";

interface SignInBody {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string | null; anonymous: boolean };
}

const subject = () => `sub-${crypto.randomUUID()}`;

const signIn = (body: Record<string, unknown>, token?: string) =>
  call("/v1/auth/oidc", { method: "POST", json: { provider: env.OIDC_PROVIDER_NAME, ...body }, token });

async function signInOk(body: Record<string, unknown>, token?: string): Promise<SignInBody> {
  const res = await signIn(body, token);
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  return res.json<SignInBody>();
}

const count = async (sql: string, ...params: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>())!.n;

describe("POST /v1/auth/oidc", () => {
  it("signs a new identity in as a new, non-anonymous user with the token's email", async () => {
    const sub = subject();
    const body = await signInOk({
      idToken: await idToken({ sub, email: "alice@example.com" }),
      deviceId: "dev-1",
    });
    expect(body.user).toEqual({ id: expect.any(String), email: "alice@example.com", anonymous: false });
    expect(body.expiresIn).toBeLessThanOrEqual(900);
    const me = await call("/v1/me", { token: body.accessToken });
    expect(await me.json()).toEqual(body.user);
    expect(
      await count(
        "SELECT count(*) AS n FROM identities WHERE subject = ? AND user_id = ?",
        sub,
        body.user.id,
      ),
    ).toBe(1);
  });

  it("maps the same (issuer, subject) to the same user every time", async () => {
    const sub = subject();
    const first = await signInOk({ idToken: await idToken({ sub }) });
    const second = await signInOk({ idToken: await idToken({ sub, alg: "ES256" }) });
    expect(second.user.id).toBe(first.user.id);
    // Two sign-ins, two sessions of one user.
    expect(await count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", first.user.id)).toBe(2);
  });

  it("two first sign-ins racing with one identity end with one user", async () => {
    const sub = subject();
    const [a, b] = await Promise.all([
      signInOk({ idToken: await idToken({ sub }) }),
      signInOk({ idToken: await idToken({ sub }) }),
    ]);
    expect(a.user.id).toBe(b.user.id);
    expect(await count("SELECT count(*) AS n FROM identities WHERE subject = ?", sub)).toBe(1);
  });

  it("upgrades the caller's anonymous user in place: same id, no longer anonymous", async () => {
    const anon = await anonymousUser();
    const body = await signInOk(
      { idToken: await idToken({ sub: subject(), email: "bob@example.com" }) },
      anon.accessToken,
    );
    expect(body.user).toEqual({ id: anon.userId, email: "bob@example.com", anonymous: false });
    const me = await call("/v1/me", { token: body.accessToken });
    expect(await me.json()).toEqual({ id: anon.userId, email: "bob@example.com", anonymous: false });
    // The anonymous session keeps working (its tokens still say who the user is).
    expect((await call("/v1/me", { token: anon.accessToken })).status).toBe(200);
  });

  it("signs an anonymous caller into the identity's existing user, merging nothing", async () => {
    const sub = subject();
    const owner = await signInOk({ idToken: await idToken({ sub }) });
    const anon = await anonymousUser();
    const body = await signInOk({ idToken: await idToken({ sub }) }, anon.accessToken);
    expect(body.user.id).toBe(owner.user.id);
    // The anonymous user is left as it was.
    const row = await env.DB.prepare("SELECT anonymous FROM users WHERE id = ?").bind(anon.userId).first();
    expect(row).toEqual({ anonymous: 1 });
  });

  it("does not link a second identity to an already upgraded user through a stale anonymous token", async () => {
    const anon = await anonymousUser();
    const upgraded = await signInOk({ idToken: await idToken({ sub: subject() }) }, anon.accessToken);
    expect(upgraded.user.id).toBe(anon.userId);
    const other = await signInOk({ idToken: await idToken({ sub: subject() }) }, anon.accessToken);
    expect(other.user.id).not.toBe(anon.userId);
    expect(await count("SELECT count(*) AS n FROM identities WHERE user_id = ?", anon.userId)).toBe(1);
  });

  it("accepts a nonce that matches exactly or as its SHA-256 hex", async () => {
    const nonce = `n-${crypto.randomUUID()}`;
    await signInOk({ idToken: await idToken({ sub: subject(), nonce }), nonce });
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(nonce)));
    const hashed = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    await signInOk({ idToken: await idToken({ sub: subject(), nonce: hashed }), nonce });
  });

  describe("refuses bad ID tokens with 401 invalid_id_token, creating no user", () => {
    const cases: [string, () => Promise<Record<string, unknown>>][] = [
      [
        "a token signed by a key the JWKS does not publish",
        async () => ({ idToken: await idToken({ sub: subject(), signWith: "unknown-key" }) }),
      ],
      [
        "an ES256 token signed by an unpublished key",
        async () => ({ idToken: await idToken({ sub: subject(), alg: "ES256", signWith: "unknown-key" }) }),
      ],
      ["alg none", async () => ({ idToken: await idToken({ sub: subject(), alg: "none" }) })],
      [
        "HS256 keyed with the issuer's public key",
        async () => ({ idToken: await idToken({ sub: subject(), alg: "HS256" }) }),
      ],
      ["an expired token", async () => ({ idToken: await idToken({ sub: subject(), expiresIn: -120 }) })],
      [
        "a wrong issuer",
        async () => ({ idToken: await idToken({ sub: subject(), iss: "https://evil.example" }) }),
      ],
      [
        "a wrong audience",
        async () => ({ idToken: await idToken({ sub: subject(), aud: "someone-elses-app" }) }),
      ],
      [
        "iat in the future",
        async () => ({
          idToken: await idToken({
            sub: subject(),
            iat: Math.floor(Date.now() / 1000) + 3600,
            expiresIn: 7200,
          }),
        }),
      ],
      [
        "a nonce that does not match",
        async () => ({ idToken: await idToken({ sub: subject(), nonce: "expected" }), nonce: "other" }),
      ],
      [
        "a nonce asked for but absent from the token",
        async () => ({ idToken: await idToken({ sub: subject() }), nonce: "n" }),
      ],
      [
        "an unknown provider",
        async () => ({ idToken: await idToken({ sub: subject() }), provider: "myspace" }),
      ],
      [
        "a tampered payload",
        async () => {
          const [h, p, s] = (await idToken({ sub: subject() })).split(".");
          const claims = JSON.parse(atob(p!.replaceAll("-", "+").replaceAll("_", "/")));
          const forged = btoa(JSON.stringify({ ...claims, sub: "victim" }))
            .replaceAll("+", "-")
            .replaceAll("/", "_")
            .replace(/=+$/, "");
          return { idToken: `${h}.${forged}.${s}` };
        },
      ],
      ["garbage", async () => ({ idToken: "not.a.jwt" })],
    ];

    for (const [name, body] of cases) {
      it(name, async () => {
        const users = await count("SELECT count(*) AS n FROM users");
        const identities = await count("SELECT count(*) AS n FROM identities");
        const res = await signIn(await body());
        expect(res.status).toBe(401);
        expect(res.headers.get("Content-Type")).toBe("application/problem+json");
        expect((await res.json<{ code: string }>()).code).toBe("invalid_id_token");
        expect(await count("SELECT count(*) AS n FROM users")).toBe(users);
        expect(await count("SELECT count(*) AS n FROM identities")).toBe(identities);
      });
    }

    it("and leaves an anonymous caller anonymous", async () => {
      const anon = await anonymousUser();
      const res = await signIn({ idToken: await idToken({ sub: subject(), aud: "x" }) }, anon.accessToken);
      expect(res.status).toBe(401);
      const row = await env.DB.prepare("SELECT anonymous FROM users WHERE id = ?").bind(anon.userId).first();
      expect(row).toEqual({ anonymous: 1 });
    });
  });

  it("rejects a body without idToken or with unknown fields as invalid_body", async () => {
    expect((await signIn({})).status).toBe(400);
    const res = await signIn({ idToken: "a.b.c", extra: 1 });
    expect(res.status).toBe(400);
    expect((await res.json<{ code: string }>()).code).toBe("invalid_body");
  });
});
