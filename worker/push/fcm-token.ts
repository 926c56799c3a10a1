import { importPKCS8, SignJWT } from "jose";

/**
 * The FCM OAuth2 access token, per isolate: minted from the service account (RS256 assertion,
 * exchanged at its token_uri), reused until ~5 minutes before it expires, and refreshed by one
 * in-flight request however many sends ask at once — a 1,000-device fan-out makes one exchange.
 */

const SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Refresh this long before Google's expiry, so a token never dies mid-fan-out. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** Google allows at most one hour; asking for less keeps clock skew harmless. */
const ASSERTION_LIFETIME_SECONDS = 3600;
const TOKEN_TIMEOUT_MS = 10_000;

export interface ServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  tokenUri: string;
}

/** Why no access token: `retryable` errors (network, 5xx) are worth another try later. */
export class FcmAuthError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "FcmAuthError";
  }
}

interface CachedToken {
  accountKey: string;
  token: string;
  expiresAt: number;
}

let cached: CachedToken | undefined;
let inflight: { accountKey: string; promise: Promise<CachedToken> } | undefined;
let parsedAccount: { raw: string; account: ServiceAccount } | undefined;
let importedKey: { pem: string; key: Promise<CryptoKey> } | undefined;

/** Parses `FCM_SERVICE_ACCOUNT` once per isolate; throws a non-retryable FcmAuthError when unusable. */
export function readServiceAccount(raw: string | undefined): ServiceAccount {
  if (raw === undefined || raw.trim() === "") throw new FcmAuthError("FCM_SERVICE_ACCOUNT is not set", false);
  if (parsedAccount?.raw === raw) return parsedAccount.account;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new FcmAuthError("FCM_SERVICE_ACCOUNT is not JSON", false);
  }
  const record = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const { project_id: projectId, client_email: clientEmail, private_key: privateKey } = record;
  const tokenUri = typeof record.token_uri === "string" ? record.token_uri : DEFAULT_TOKEN_URI;
  if (typeof projectId !== "string" || typeof clientEmail !== "string" || typeof privateKey !== "string") {
    throw new FcmAuthError("FCM_SERVICE_ACCOUNT lacks project_id, client_email or private_key", false);
  }
  const account = { projectId, clientEmail, privateKey, tokenUri };
  parsedAccount = { raw, account };
  return account;
}

/** The current access token, minting one only when none is fresh enough. */
export async function getFcmAccessToken(account: ServiceAccount, now = Date.now()): Promise<string> {
  const accountKey = `${account.clientEmail}|${account.tokenUri}`;
  if (cached && cached.accountKey === accountKey && cached.expiresAt - REFRESH_MARGIN_MS > now) {
    return cached.token;
  }
  if (!inflight || inflight.accountKey !== accountKey) {
    const promise = exchange(account, accountKey).finally(() => {
      if (inflight?.promise === promise) inflight = undefined;
    });
    inflight = { accountKey, promise };
  }
  const fresh = await inflight.promise;
  return fresh.token;
}

/**
 * FCM said 401 for this token: drop it unless a newer one already replaced it, so a burst of
 * 401s still triggers a single refresh.
 */
export function invalidateFcmAccessToken(token: string): void {
  if (cached?.token === token) cached = undefined;
}

/** Tests only: forget the isolate's token so a test can count exchanges from zero. */
export function resetFcmTokenCache(): void {
  cached = undefined;
  inflight = undefined;
}

async function exchange(account: ServiceAccount, accountKey: string): Promise<CachedToken> {
  const assertion = await signAssertion(account);
  let res: Response;
  try {
    res = await fetch(account.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: GRANT_TYPE, assertion }).toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (error) {
    throw new FcmAuthError(`token endpoint unreachable: ${String(error)}`, true);
  }
  const text = await res.text();
  if (!res.ok) {
    // invalid_grant / invalid_client are configuration; 429 and 5xx pass.
    throw new FcmAuthError(`token endpoint answered ${res.status}`, res.status === 429 || res.status >= 500);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new FcmAuthError("token endpoint answered non-JSON", true);
  }
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const token = record.access_token;
  const expiresIn = typeof record.expires_in === "number" ? record.expires_in : 3600;
  if (typeof token !== "string" || token === "") {
    throw new FcmAuthError("token endpoint answered without access_token", true);
  }
  const fresh = { accountKey, token, expiresAt: Date.now() + expiresIn * 1000 };
  cached = fresh;
  return fresh;
}

async function signAssertion(account: ServiceAccount): Promise<string> {
  // Importing the RSA key is the expensive part: once per isolate (per key).
  let entry = importedKey;
  if (entry?.pem !== account.privateKey) {
    const key = importPKCS8(account.privateKey, "RS256");
    entry = { pem: account.privateKey, key };
    importedKey = entry;
    key.catch(() => {
      if (importedKey?.key === key) importedKey = undefined;
    });
  }
  let key: CryptoKey;
  try {
    key = await entry.key;
  } catch {
    throw new FcmAuthError("FCM_SERVICE_ACCOUNT private_key is not a PKCS#8 RSA key", false);
  }
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer(account.clientEmail)
    .setAudience(account.tokenUri)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .sign(key);
}
