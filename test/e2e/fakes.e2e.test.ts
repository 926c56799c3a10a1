import { randomBytes, randomUUID } from "node:crypto";
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportSPKI,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProviders, type Delivery, type FakeProviders } from "../fakes";
import {
  mintApnsProviderToken,
  mintFcmAccessToken,
  parseServiceAccount,
  requestFcmAccessToken,
  sendApns,
  sendFcm,
  signFcmAssertion,
  type ServiceAccount,
} from "../fakes/clients";

let fakes: FakeProviders;
let sa: ServiceAccount;
let accessToken: string;
let providerToken: string;

interface Stats {
  fcm: { tokenRequests: number; sends: number; accepted: number; rejected: number };
  apns: {
    providerTokens: number;
    tokenUpdatesTooSoon: number;
    sends: number;
    accepted: number;
    rejected: number;
  };
  latestSeq: number;
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${fakes.controlUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${path} answered ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

const stats = () => control<Stats>("/stats");
const deliveries = (query: string) => control<Delivery[]>(`/deliveries?${query}`);
const fcmToken = () => `fcm_${randomBytes(24).toString("base64url")}`;
const apnsToken = () => randomBytes(32).toString("hex");

function fcm(body: unknown, token = accessToken, project = sa.project_id): Promise<Response> {
  return sendFcm(fakes.fcm.apiBase, project, token, body);
}

function alertHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { "apns-topic": fakes.apns.bundleId, "apns-push-type": "alert", ...extra };
}

async function apnsReason(res: Response): Promise<string> {
  return ((await res.json()) as { reason: string }).reason;
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  sa = parseServiceAccount(fakes.fcm.serviceAccount);
  accessToken = await mintFcmAccessToken(fakes.fcm.serviceAccount);
  // One provider token for the whole file: minting more would trip the 20-minute rule.
  providerToken = await mintApnsProviderToken(fakes.apns);
});

afterAll(async () => {
  await fakes?.close();
});

describe("the fake OIDC issuer", () => {
  const mint = (body: Record<string, unknown>) => control<{ idToken: string }>("/oidc/id-token", body);
  const verify = (idToken: string) =>
    jwtVerify(idToken, createRemoteJWKSet(new URL(fakes.oidc.jwksUri)), {
      issuer: fakes.oidc.issuer,
      audience: fakes.oidc.audience,
      algorithms: ["RS256", "ES256"],
    });

  it("publishes a discovery document that points at its JWKS", async () => {
    const doc = (await (await fetch(`${fakes.oidc.issuer}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(doc.issuer).toBe(fakes.oidc.issuer);
    expect(doc.jwks_uri).toBe(fakes.oidc.jwksUri);
    const jwks = (await (await fetch(fakes.oidc.jwksUri)).json()) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    expect(jwks.keys.every((k) => typeof k.kid === "string" && k.d === undefined)).toBe(true);
  });

  it("mints RS256 and ES256 ID tokens that verify with the default issuer, audience and expiry", async () => {
    const rs = await verify((await mint({ sub: "alice", email: "a@example.com" })).idToken);
    expect(rs.protectedHeader.alg).toBe("RS256");
    expect(rs.payload).toMatchObject({ sub: "alice", email: "a@example.com" });
    expect((rs.payload.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
    const es = await verify((await mint({ sub: "bob", alg: "ES256", nonce: "n-1" })).idToken);
    expect(es.protectedHeader.alg).toBe("ES256");
    expect(es.payload.nonce).toBe("n-1");
  });

  it("mints the forgeries a verifier must refuse", async () => {
    const expired = (await mint({ sub: "a", expiresIn: -60 })).idToken;
    await expect(verify(expired)).rejects.toThrow(/exp/);
    const otherAud = (await mint({ sub: "a", aud: "someone-else" })).idToken;
    await expect(verify(otherAud)).rejects.toThrow(/aud/);
    const unknown = (await mint({ sub: "a", signWith: "unknown-key" })).idToken;
    await expect(verify(unknown)).rejects.toThrow(/signature/);
    const none = (await mint({ sub: "a", alg: "none" })).idToken;
    expect(decodeProtectedHeader(none).alg).toBe("none");
    expect(none.endsWith(".")).toBe(true);
    await expect(verify(none)).rejects.toThrow();
    // HS256 keyed with the published RSA public key: the classic confusion attack.
    const hs = (await mint({ sub: "a", alg: "HS256" })).idToken;
    await expect(verify(hs)).rejects.toThrow(/alg/);
    const jwks = (await (await fetch(fakes.oidc.jwksUri)).json()) as { keys: JWK[] };
    const rsaJwk = jwks.keys.find((k) => k.alg === "RS256");
    expect(rsaJwk).toBeDefined();
    const pem = await exportSPKI(
      (await importJWK(rsaJwk as JWK, "RS256", { extractable: true })) as CryptoKey,
    );
    const naive = await jwtVerify(hs, new TextEncoder().encode(pem), { algorithms: ["HS256"] });
    expect(naive.payload.sub).toBe("a");
  });

  it("refuses an ID token request without a subject", async () => {
    const res = await fetch(`${fakes.controlUrl}/oidc/id-token`, { method: "POST", body: "{}" });
    expect(res.status).toBe(400);
  });
});

describe("the fake FCM token endpoint", () => {
  async function grantError(assertion: string): Promise<{ status: number; error: string }> {
    const res = await requestFcmAccessToken(sa, assertion);
    return { status: res.status, error: ((await res.json()) as { error: string }).error };
  }

  it("exchanges a correct assertion for a bearer token and counts the request", async () => {
    const before = await stats();
    const res = await requestFcmAccessToken(sa, await signFcmAssertion(sa));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ expires_in: 3599, token_type: "Bearer" });
    expect((await stats()).fcm.tokenRequests).toBe(before.fcm.tokenRequests + 1);
  });

  it("refuses an assertion signed by another key, for another audience, too long-lived or without the scope", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    expect(await grantError(await signFcmAssertion(sa, { key: privateKey }))).toEqual({
      status: 400,
      error: "invalid_grant",
    });
    const wrongAud = await signFcmAssertion(sa, { claims: { aud: "https://oauth2.googleapis.com/token" } });
    expect(await grantError(wrongAud)).toEqual({ status: 400, error: "invalid_grant" });
    const wrongIss = await signFcmAssertion(sa, { claims: { iss: "someone@example.com" } });
    expect(await grantError(wrongIss)).toEqual({ status: 400, error: "invalid_grant" });
    expect(await grantError(await signFcmAssertion(sa, { lifetimeSeconds: 3601 }))).toEqual({
      status: 400,
      error: "invalid_grant",
    });
    const noScope = await signFcmAssertion(sa, {
      claims: { scope: "https://www.googleapis.com/auth/userinfo" },
    });
    expect(await grantError(noScope)).toEqual({ status: 400, error: "invalid_scope" });
  });

  it("refuses another grant type", async () => {
    const res = await fetch(sa.token_uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", assertion: await signFcmAssertion(sa) }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("unsupported_grant_type");
  });
});

describe("the fake FCM send endpoint", () => {
  it("accepts a correct message and records it as a delivery", async () => {
    const token = fcmToken();
    const res = await fcm({
      message: {
        token,
        notification: { title: "Hello", body: "World" },
        data: { orderId: "42" },
        android: { priority: "high", collapse_key: "orders" },
      },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toMatch(
      new RegExp(`^projects/${sa.project_id}/messages/`),
    );
    const [delivery] = await deliveries(`provider=fcm&token=${token}`);
    expect(delivery?.summary).toMatchObject({
      platform: "android",
      title: "Hello",
      body: "World",
      silent: false,
      data: { orderId: "42" },
      collapseId: "orders",
      priority: "high",
    });
  });

  it("answers 401 UNAUTHENTICATED to a bearer it did not issue or that has expired", async () => {
    const message = { message: { token: fcmToken(), data: { a: "1" } } };
    expect((await fcm(message, "ya29.made-up")).status).toBe(401);
    const ownToken = await mintFcmAccessToken(fakes.fcm.serviceAccount);
    await control("/fcm/expire-tokens", {});
    const res = await fcm(message, ownToken);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe("UNAUTHENTICATED");
    accessToken = await mintFcmAccessToken(fakes.fcm.serviceAccount);
  });

  it("refuses malformed messages with INVALID_ARGUMENT and records none of them", async () => {
    const token = fcmToken();
    const bad: unknown[] = [
      { message: { token, data: { count: 1 } } },
      { message: { token, data: { a: "1" }, priority: "high" } },
      { message: { token, topic: "news", data: { a: "1" } } },
      { message: { data: { a: "1" } } },
      { message: { token, data: { blob: "x".repeat(4100) } } },
      { message: { token, data: { from: "me" } } },
      { message: { token, android: { priority: "urgent" } } },
      { message: { token }, extra: true },
    ];
    for (const body of bad) {
      const res = await fcm(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const error = ((await res.json()) as { error: { status: string } }).error;
      expect(error.status).toBe("INVALID_ARGUMENT");
    }
    expect(await deliveries(`token=${token}`)).toEqual([]);
  });

  it("answers 403 for another project", async () => {
    const res = await fcm({ message: { token: fcmToken(), data: { a: "1" } } }, accessToken, "someone-else");
    expect(res.status).toBe(403);
  });
});

describe("the fake APNs", () => {
  it("accepts a correct alert push, echoes apns-id and records the headers that matter", async () => {
    const token = apnsToken();
    const apnsId = randomUUID();
    const res = await sendApns(
      fakes.apns.apiBase,
      token,
      providerToken,
      alertHeaders({
        "apns-id": apnsId,
        "apns-collapse-id": "c1",
        "apns-priority": "10",
        "apns-expiration": "0",
      }),
      { aps: { alert: { title: "Hi", body: "There" } }, campaignId: "x" },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("apns-id")).toBe(apnsId);
    const [delivery] = await deliveries(`provider=apns&token=${token}`);
    expect(delivery?.headers).toMatchObject({ "apns-collapse-id": "c1", "apns-push-type": "alert" });
    expect(delivery?.summary).toMatchObject({
      title: "Hi",
      body: "There",
      data: { campaignId: "x" },
      silent: false,
    });
  });

  it("accepts a background push with content-available at priority 5 and generates an apns-id", async () => {
    const res = await sendApns(
      fakes.apns.apiBase,
      apnsToken(),
      providerToken,
      alertHeaders({ "apns-push-type": "background", "apns-priority": "5" }),
      { aps: { "content-available": 1 }, sync: "tasks" },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("apns-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses missing, forged and stale provider tokens", async () => {
    const send = (jwt: string | undefined) =>
      sendApns(fakes.apns.apiBase, apnsToken(), jwt, alertHeaders(), { aps: { alert: "x" } });
    const missing = await send(undefined);
    expect([missing.status, await apnsReason(missing)]).toEqual([403, "MissingProviderToken"]);
    const { privateKey } = await generateKeyPair("ES256");
    for (const forged of [
      await mintApnsProviderToken(fakes.apns, { kid: "WRONGKID00" }),
      await mintApnsProviderToken(fakes.apns, { iss: "OTHERTEAM0" }),
      await mintApnsProviderToken(fakes.apns, { key: privateKey }),
    ]) {
      const res = await send(forged);
      expect([res.status, await apnsReason(res)]).toEqual([403, "InvalidProviderToken"]);
    }
    const stale = await send(
      await mintApnsProviderToken(fakes.apns, { iat: Math.floor(Date.now() / 1000) - 3601 }),
    );
    expect([stale.status, await apnsReason(stale)]).toEqual([403, "ExpiredProviderToken"]);
  });

  it("refuses bad topics, headers, device tokens and payloads with Apple's reasons", async () => {
    const cases: [Record<string, string>, unknown, number, string, string?][] = [
      [alertHeaders({ "apns-topic": "com.other.app" }), { aps: { alert: "x" } }, 400, "BadTopic"],
      [{ "apns-push-type": "alert" }, { aps: { alert: "x" } }, 400, "MissingTopic"],
      [
        alertHeaders({ "apns-push-type": "background", "apns-priority": "5" }),
        { aps: { alert: "x" } },
        400,
        "InvalidPushType",
      ],
      [
        alertHeaders({ "apns-push-type": "background" }),
        { aps: { "content-available": 1 } },
        400,
        "BadPriority",
      ],
      [alertHeaders({ "apns-priority": "7" }), { aps: { alert: "x" } }, 400, "BadPriority"],
      [alertHeaders({ "apns-expiration": "soon" }), { aps: { alert: "x" } }, 400, "BadExpirationDate"],
      [alertHeaders({ "apns-collapse-id": "c".repeat(65) }), { aps: { alert: "x" } }, 400, "BadCollapseId"],
      [alertHeaders({ "apns-id": "not-a-uuid" }), { aps: { alert: "x" } }, 400, "BadMessageId"],
      [alertHeaders(), { aps: { alert: "x".repeat(4100) } }, 413, "PayloadTooLarge"],
      [alertHeaders(), { aps: { alert: "x" } }, 400, "BadDeviceToken", "not-hex-token"],
    ];
    for (const [headers, payload, status, reason, token] of cases) {
      const res = await sendApns(fakes.apns.apiBase, token ?? apnsToken(), providerToken, headers, payload);
      expect([res.status, await apnsReason(res)], reason).toEqual([status, reason]);
    }
  });

  it("answers 429 TooManyProviderTokenUpdates to a re-minted token within 20 minutes, unless switched off", async () => {
    const before = await stats();
    const fresh = await mintApnsProviderToken(fakes.apns);
    const send = () =>
      sendApns(fakes.apns.apiBase, apnsToken(), fresh, alertHeaders(), { aps: { alert: "x" } });
    const refused = await send();
    expect([refused.status, await apnsReason(refused)]).toEqual([429, "TooManyProviderTokenUpdates"]);
    await control("/apns/token-update-rule", { enabled: false });
    try {
      expect((await send()).status).toBe(200);
    } finally {
      await control("/apns/token-update-rule", { enabled: true });
    }
    const after = await stats();
    expect(after.apns.providerTokens).toBe(before.apns.providerTokens + 1);
    expect(after.apns.tokenUpdatesTooSoon).toBe(before.apns.tokenUpdatesTooSoon + 2);
  });
});

describe("scripts, deliveries and stats", () => {
  it("plays an FCM script in order, with Retry-After, then succeeds", async () => {
    const token = fcmToken();
    await control("/fcm/script", { token, responses: [{ status: 503, retryAfter: 7 }, { status: 429 }] });
    const message = { message: { token, data: { a: "1" } } };
    const first = await fcm(message);
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("7");
    expect(await first.json()).toMatchObject({
      error: {
        status: "UNAVAILABLE",
        details: [
          { "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "UNAVAILABLE" },
        ],
      },
    });
    const second = await fcm(message);
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: { details: [{ errorCode: "QUOTA_EXCEEDED" }] } });
    expect((await fcm(message)).status).toBe(200);
    expect(await deliveries(`token=${token}`)).toHaveLength(1);
  });

  it("keeps answering UNREGISTERED when the script does not end in success", async () => {
    const token = fcmToken();
    await control("/fcm/script", { token, responses: [{ status: 404 }], thenSucceed: false });
    for (let i = 0; i < 3; i++) {
      const res = await fcm({ message: { token, data: { a: "1" } } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({
        error: { status: "NOT_FOUND", details: [{ errorCode: "UNREGISTERED" }] },
      });
    }
    expect(await deliveries(`token=${token}`)).toEqual([]);
  });

  it("plays an APNs 410 with its timestamp, then succeeds", async () => {
    const token = apnsToken();
    await control("/apns/script", { token, responses: [{ status: 410, timestamp: 1_700_000_000_000 }] });
    const send = () =>
      sendApns(fakes.apns.apiBase, token, providerToken, alertHeaders(), { aps: { alert: "x" } });
    const gone = await send();
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({ reason: "Unregistered", timestamp: 1_700_000_000_000 });
    expect((await send()).status).toBe(200);
  });

  it("lists deliveries newest first, filtered by provider, token and sequence", async () => {
    const token = apnsToken();
    const { latestSeq } = await stats();
    for (const title of ["one", "two"]) {
      const res = await sendApns(fakes.apns.apiBase, token, providerToken, alertHeaders(), {
        aps: { alert: { title } },
      });
      expect(res.status).toBe(200);
    }
    const fcmTok = fcmToken();
    expect((await fcm({ message: { token: fcmTok, notification: { title: "three" } } })).status).toBe(200);
    const all = await deliveries(`since=${latestSeq}`);
    expect(all.map((d) => d.summary.title)).toEqual(["three", "two", "one"]);
    expect((await deliveries(`provider=apns&since=${latestSeq}`)).map((d) => d.summary.title)).toEqual([
      "two",
      "one",
    ]);
    expect((await deliveries(`token=${fcmTok}`)).map((d) => d.provider)).toEqual(["fcm"]);
  });

  it("counts sends, acceptances and rejections, and reset clears them with the deliveries", async () => {
    const before = await stats();
    await fcm({ message: { token: fcmToken(), data: { a: "1" } } });
    await fcm({ message: { token: fcmToken(), data: { a: 1 } } });
    await sendApns(fakes.apns.apiBase, apnsToken(), undefined, alertHeaders(), { aps: { alert: "x" } });
    const after = await stats();
    expect(after.fcm.sends - before.fcm.sends).toBe(2);
    expect(after.fcm.accepted - before.fcm.accepted).toBe(1);
    expect(after.fcm.rejected - before.fcm.rejected).toBe(1);
    expect(after.apns.rejected - before.apns.rejected).toBe(1);
    await control("/reset", {});
    const cleared = await stats();
    expect(cleared.fcm).toEqual({ tokenRequests: 0, sends: 0, accepted: 0, rejected: 0 });
    expect(cleared.apns.providerTokens).toBe(0);
    expect(await deliveries("")).toEqual([]);
    // Keys stay: the access token issued before the reset still sends.
    expect((await fcm({ message: { token: fcmToken(), data: { a: "1" } } })).status).toBe(200);
  });
});
