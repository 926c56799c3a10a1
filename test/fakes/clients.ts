import { importPKCS8, SignJWT, type CryptoKey } from "jose";

/** The fields of a Google service account JSON the fakes hand out. */
export interface ServiceAccount {
  project_id: string;
  client_email: string;
  private_key: string;
  token_uri: string;
}

export function parseServiceAccount(json: string): ServiceAccount {
  return JSON.parse(json) as ServiceAccount;
}

/**
 * Signs a JWT-bearer assertion the way Google's client libraries do. Overrides let a test forge
 * one (other claims, another key) to show the fake token endpoint refuses it.
 */
export async function signFcmAssertion(
  sa: ServiceAccount,
  overrides: { claims?: Record<string, unknown>; key?: CryptoKey; lifetimeSeconds?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const key = overrides.key ?? (await importPKCS8(sa.private_key, "RS256"));
  return new SignJWT({
    iss: sa.client_email,
    scope: "https://www.googleapis.com/auth/firebase.messaging",
    aud: sa.token_uri,
    iat: now,
    exp: now + (overrides.lifetimeSeconds ?? 3600),
    ...overrides.claims,
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .sign(key);
}

/** Exchanges an assertion at the service account's token_uri; returns the raw response. */
export function requestFcmAccessToken(sa: ServiceAccount, assertion: string): Promise<Response> {
  return fetch(sa.token_uri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
  });
}

/** A valid FCM access token for the service account (one token request on the fake). */
export async function mintFcmAccessToken(serviceAccountJson: string): Promise<string> {
  const sa = parseServiceAccount(serviceAccountJson);
  const res = await requestFcmAccessToken(sa, await signFcmAssertion(sa));
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed: ${res.status}`);
  return body.access_token;
}

/** Sends `{message}` to the fake FCM's messages:send for the service account's project. */
export function sendFcm(
  apiBase: string,
  projectId: string,
  accessToken: string,
  body: unknown,
): Promise<Response> {
  return fetch(`${apiBase}/v1/projects/${encodeURIComponent(projectId)}/messages:send`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** An APNs provider token (ES256, kid, iss, iat); overrides forge bad ones. */
export async function mintApnsProviderToken(
  apns: { keyP8: string; keyId: string; teamId: string },
  overrides: { kid?: string; iss?: string; iat?: number; key?: CryptoKey } = {},
): Promise<string> {
  const key = overrides.key ?? (await importPKCS8(apns.keyP8, "ES256"));
  return new SignJWT({
    iss: overrides.iss ?? apns.teamId,
    iat: overrides.iat ?? Math.floor(Date.now() / 1000),
  })
    .setProtectedHeader({ alg: "ES256", kid: overrides.kid ?? apns.keyId })
    .sign(key);
}

/** POSTs a push to the fake APNs the way a provider server does. */
export function sendApns(
  apiBase: string,
  deviceToken: string,
  providerToken: string | undefined,
  headers: Record<string, string>,
  payload: unknown,
): Promise<Response> {
  return fetch(`${apiBase}/3/device/${deviceToken}`, {
    method: "POST",
    headers: {
      ...(providerToken !== undefined ? { authorization: `bearer ${providerToken}` } : {}),
      ...headers,
    },
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}
