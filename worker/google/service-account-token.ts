import { importPKCS8, SignJWT } from "jose";

/**
 * OAuth2 access tokens for a Google service account (the JWT-bearer grant): reading the account
 * JSON, and the exchange of its RS256 assertion at its token_uri. Used by FCM and the Play
 * Developer API alike. Only the credentials Durable Objects call the exchange (so a fan-out over
 * many isolates still makes one exchange an hour); isolates keep a copy through `token-client.ts`.
 */

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
export class GoogleAuthError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "GoogleAuthError";
  }
}

/** A token as the minter hands it out (plain data: it crosses an RPC boundary). */
export interface GoogleAccessToken {
  accountKey: string;
  token: string;
  expiresAt: number;
}

/** What the minter answers: a token, or why there is none (error classes do not cross RPC). */
export type GoogleTokenResult =
  ({ ok: true } & GoogleAccessToken) | { ok: false; message: string; retryable: boolean };

/** Parsed accounts by their raw JSON (a deployment has one or two: FCM's and Play's). */
const parsedAccounts = new Map<string, ServiceAccount>();
/** Imported keys by PEM (values, not I/O: importing is local crypto, safe to share). */
const importedKeys = new Map<string, Promise<CryptoKey>>();

/**
 * Parses a service account JSON held in the variable `name` (once per isolate); throws a
 * non-retryable GoogleAuthError when unusable.
 */
export function readServiceAccount(raw: string | undefined, name: string): ServiceAccount {
  if (raw === undefined || raw.trim() === "") throw new GoogleAuthError(`${name} is not set`, false);
  const known = parsedAccounts.get(raw);
  if (known) return known;
  const record = jsonFields(raw, () => new GoogleAuthError(`${name} is not JSON`, false));
  const { project_id: projectId, client_email: clientEmail, private_key: privateKey } = record;
  const tokenUri = typeof record.token_uri === "string" ? record.token_uri : DEFAULT_TOKEN_URI;
  if (typeof projectId !== "string" || typeof clientEmail !== "string" || typeof privateKey !== "string") {
    throw new GoogleAuthError(`${name} lacks project_id, client_email or private_key`, false);
  }
  const account = { projectId, clientEmail, privateKey, tokenUri };
  parsedAccounts.set(raw, account);
  return account;
}

/** Which account and scope a token was minted for: a changed secret or scope never reuses it. */
export function accountKeyOf(account: ServiceAccount, scope: string): string {
  return `${account.clientEmail}|${account.tokenUri}|${scope}`;
}

/** Still worth using at `now`: not within the refresh margin of its expiry. */
export function isFresh(token: GoogleAccessToken | undefined, accountKey: string, now: number): boolean {
  return !!token && token.accountKey === accountKey && token.expiresAt - REFRESH_MARGIN_MS > now;
}

/** The minter's rule for `getAccessToken`: exchange only when its stored token is not fresh. */
export function needsExchange(
  latest: GoogleAccessToken | undefined,
  accountKey: string,
  now: number,
): boolean {
  return !isFresh(latest, accountKey, now);
}

/**
 * The minter's rule after the API refused `refused`: exchange again only if that is still the
 * stored token (a burst of 401s still makes one exchange) or the stored one is stale anyway.
 */
export function needsExchangeAfterRefusal(
  latest: GoogleAccessToken | undefined,
  accountKey: string,
  refused: string,
  now: number,
): boolean {
  return !isFresh(latest, accountKey, now) || latest?.token === refused;
}

/** Carries a failed mint across RPC (error classes do not cross it). */
export function tokenFailure(error: unknown): GoogleTokenResult {
  return {
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    retryable: error instanceof GoogleAuthError ? error.retryable : true,
  };
}

/** One exchange at the token endpoint (called only by a credentials Durable Object). */
export async function exchangeAccessToken(
  account: ServiceAccount,
  scope: string,
): Promise<GoogleAccessToken> {
  const assertion = await signAssertion(account, scope);
  let res: Response;
  try {
    res = await fetch(account.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: GRANT_TYPE, assertion }).toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (error) {
    throw new GoogleAuthError(`token endpoint unreachable: ${String(error)}`, true);
  }
  const text = await res.text();
  if (!res.ok) {
    // invalid_grant / invalid_client are configuration; 429 and 5xx pass.
    throw new GoogleAuthError(
      `token endpoint answered ${res.status}`,
      res.status === 429 || res.status >= 500,
    );
  }
  const record = jsonFields(text, () => new GoogleAuthError("token endpoint answered non-JSON", true));
  const token = record.access_token;
  const expiresIn = typeof record.expires_in === "number" ? record.expires_in : 3600;
  if (typeof token !== "string" || token === "") {
    throw new GoogleAuthError("token endpoint answered without access_token", true);
  }
  return { accountKey: accountKeyOf(account, scope), token, expiresAt: Date.now() + expiresIn * 1000 };
}

async function signAssertion(account: ServiceAccount, scope: string): Promise<string> {
  // Importing the RSA key is the expensive part: once per isolate (per key).
  let pending = importedKeys.get(account.privateKey);
  if (!pending) {
    const key = importPKCS8(account.privateKey, "RS256");
    pending = key;
    importedKeys.set(account.privateKey, key);
    key.catch(() => {
      if (importedKeys.get(account.privateKey) === key) importedKeys.delete(account.privateKey);
    });
  }
  let key: CryptoKey;
  try {
    key = await pending;
  } catch {
    throw new GoogleAuthError("the service account's private_key is not a PKCS#8 RSA key", false);
  }
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer(account.clientEmail)
    .setAudience(account.tokenUri)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .sign(key);
}

/** `text`'s fields when it is a JSON object (none for other JSON); `notJson()` is thrown otherwise. */
function jsonFields(text: string, notJson: () => GoogleAuthError): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notJson();
  }
  return typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
}
