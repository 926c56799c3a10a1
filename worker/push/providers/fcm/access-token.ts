import { importPKCS8, SignJWT } from "jose";

/**
 * The FCM OAuth2 access token: reading the service account, and the exchange of its RS256
 * assertion at its token_uri. Only the `FcmCredentials` Durable Object calls the exchange (so a
 * fan-out over many consumer isolates still makes one exchange an hour); isolates keep a copy
 * through `credentials-client.ts`.
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

/** A token as the minter hands it out (plain data: it crosses an RPC boundary). */
export interface FcmAccessToken {
  accountKey: string;
  token: string;
  expiresAt: number;
}

/** What the minter answers: a token, or why there is none (error classes do not cross RPC). */
export type FcmTokenResult =
  ({ ok: true } & FcmAccessToken) | { ok: false; message: string; retryable: boolean };

let parsedAccount: { raw: string; account: ServiceAccount } | undefined;
let importedKey: { pem: string; key: Promise<CryptoKey> } | undefined;

/** Parses `FCM_SERVICE_ACCOUNT` once per isolate; throws a non-retryable FcmAuthError when unusable. */
export function readServiceAccount(raw: string | undefined): ServiceAccount {
  if (raw === undefined || raw.trim() === "") throw new FcmAuthError("FCM_SERVICE_ACCOUNT is not set", false);
  if (parsedAccount?.raw === raw) return parsedAccount.account;
  const record = jsonFields(raw, () => new FcmAuthError("FCM_SERVICE_ACCOUNT is not JSON", false));
  const { project_id: projectId, client_email: clientEmail, private_key: privateKey } = record;
  const tokenUri = typeof record.token_uri === "string" ? record.token_uri : DEFAULT_TOKEN_URI;
  if (typeof projectId !== "string" || typeof clientEmail !== "string" || typeof privateKey !== "string") {
    throw new FcmAuthError("FCM_SERVICE_ACCOUNT lacks project_id, client_email or private_key", false);
  }
  const account = { projectId, clientEmail, privateKey, tokenUri };
  parsedAccount = { raw, account };
  return account;
}

export function accountKeyOf(account: ServiceAccount): string {
  return `${account.clientEmail}|${account.tokenUri}`;
}

/** Still worth using at `now`: not within the refresh margin of its expiry. */
export function isFresh(token: FcmAccessToken | undefined, accountKey: string, now: number): boolean {
  return !!token && token.accountKey === accountKey && token.expiresAt - REFRESH_MARGIN_MS > now;
}

/** The minter's rule for `getAccessToken`: exchange only when its stored token is not fresh. */
export function needsExchange(latest: FcmAccessToken | undefined, accountKey: string, now: number): boolean {
  return !isFresh(latest, accountKey, now);
}

/**
 * The minter's rule after FCM refused `refused`: exchange again only if that is still the stored
 * token (a burst of 401s still makes one exchange) or the stored one is stale anyway.
 */
export function needsExchangeAfterRefusal(
  latest: FcmAccessToken | undefined,
  accountKey: string,
  refused: string,
  now: number,
): boolean {
  return !isFresh(latest, accountKey, now) || latest?.token === refused;
}

/** Carries a failed mint across RPC (error classes do not cross it). */
export function tokenFailure(error: unknown): FcmTokenResult {
  return {
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    retryable: error instanceof FcmAuthError ? error.retryable : true,
  };
}

/** One exchange at the token endpoint (called only by the FcmCredentials object). */
export async function exchangeAccessToken(account: ServiceAccount): Promise<FcmAccessToken> {
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
  const record = jsonFields(text, () => new FcmAuthError("token endpoint answered non-JSON", true));
  const token = record.access_token;
  const expiresIn = typeof record.expires_in === "number" ? record.expires_in : 3600;
  if (typeof token !== "string" || token === "") {
    throw new FcmAuthError("token endpoint answered without access_token", true);
  }
  return { accountKey: accountKeyOf(account), token, expiresAt: Date.now() + expiresIn * 1000 };
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

/** `text`'s fields when it is a JSON object (none for other JSON); `notJson()` is thrown otherwise. */
function jsonFields(text: string, notJson: () => FcmAuthError): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notJson();
  }
  return typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
}
