import { env, exports } from "cloudflare:workers";

/** The Request the apps send: `json` as a JSON body, `token` as the bearer. */
export function apiRequest(
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Request {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  return new Request(`http://outpost.test${path}`, { ...init, headers, body });
}

/** The apps' view of Outpost: a request through the Worker's fetch handler, as over HTTP. */
export function call(
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<Response> {
  return exports.default.fetch(apiRequest(path, init));
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  userId: string;
  deviceId: string;
}

/** Signs in a fresh anonymous user through the public API. */
export async function anonymousUser(deviceId: string = crypto.randomUUID()): Promise<SignedIn> {
  const res = await call("/v1/auth/anonymous", { method: "POST", json: { deviceId } });
  if (res.status !== 200) throw new Error(`anonymous sign-in failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ accessToken: string; refreshToken: string; user: { id: string } }>();
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: body.user.id, deviceId };
}

/** Headers for admin endpoints. */
export function adminHeaders(apiKey: string): Record<string, string> {
  return { Authorization: `Bearer ${apiKey}` };
}

/**
 * What the fake OIDC issuer's control API mints. Mirrors `IdTokenRequest` in test/fakes/oidc.ts,
 * which is Node code and cannot be imported into workerd tests.
 */
export interface IdTokenRequest {
  sub: string;
  aud?: string | string[];
  iss?: string;
  nonce?: string;
  email?: string;
  /** Seconds until `exp`; negative mints an expired token. */
  expiresIn?: number;
  /** Epoch seconds. */
  iat?: number;
  alg?: "RS256" | "ES256" | "HS256" | "none";
  signWith?: "known" | "unknown-key";
}

/** An ID token from the fake issuer on loopback (registered in OIDC_PROVIDERS as OIDC_PROVIDER_NAME). */
export async function mintIdToken(request: IdTokenRequest): Promise<string> {
  const res = await fetch(`${env.FAKES_CONTROL_URL}/oidc/id-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(request),
  });
  if (!res.ok) throw new Error(`fake issuer: ${res.status} ${await res.text()}`);
  return (await res.json<{ idToken: string }>()).idToken;
}
