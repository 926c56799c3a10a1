import { SignJWT, importPKCS8 } from "jose";

/**
 * The App Store Server API (`APPSTORE_API_BASE`), for the current state of a purchase when the
 * message at hand does not carry it (the app's report has no renewal info). Authenticated with
 * an ES256 JWT from the in-app-purchase key (`APPSTORE_KEY_P8`, `APPSTORE_KEY_ID`,
 * `APPSTORE_ISSUER_ID`), valid at most an hour; minted once per isolate per 30 minutes (a value,
 * not an in-flight promise: README "Per-isolate caches").
 */
export interface AppStoreApi {
  /** `GET /inApps/v1/subscriptions/{transactionId}`: the chain's latest transaction and renewal info (JWS). */
  subscriptionStatus(
    transactionId: string,
  ): Promise<{ signedTransactionInfo: string; signedRenewalInfo: string | null } | null>;
  /** `GET /inApps/v1/transactions/{transactionId}`: one transaction (JWS). */
  transactionInfo(transactionId: string): Promise<string | null>;
}

const TOKEN_LIFETIME_S = 3600;
const REMINT_AFTER_MS = 30 * 60_000;
const TIMEOUT_MS = 10_000;

let token: { key: string; jwt: string; mintedAt: number } | undefined;

async function bearer(env: Env, bundleId: string, now: number): Promise<string> {
  const key = `${env.APPSTORE_KEY_ID}\u0000${env.APPSTORE_ISSUER_ID}\u0000${bundleId}`;
  if (token && token.key === key && now - token.mintedAt < REMINT_AFTER_MS) return token.jwt;
  const signingKey = await importPKCS8(env.APPSTORE_KEY_P8, "ES256");
  const iat = Math.floor(now / 1000);
  const jwt = await new SignJWT({ bid: bundleId })
    .setProtectedHeader({ alg: "ES256", kid: env.APPSTORE_KEY_ID, typ: "JWT" })
    .setIssuer(env.APPSTORE_ISSUER_ID)
    .setAudience("appstoreconnect-v1")
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_LIFETIME_S)
    .sign(signingKey);
  token = { key, jwt, mintedAt: now };
  return jwt;
}

/** The API client, or null when the deployment has no in-app-purchase key configured. */
export function appStoreApi(env: Env, bundleId: string, now = Date.now()): AppStoreApi | null {
  if (!env.APPSTORE_KEY_P8 || !env.APPSTORE_KEY_ID || !env.APPSTORE_ISSUER_ID || !env.APPSTORE_API_BASE)
    return null;
  const base = env.APPSTORE_API_BASE.replace(/\/+$/, "");
  async function get(path: string): Promise<Record<string, unknown> | null> {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${await bearer(env, bundleId, now)}`, accept: "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (response.status === 404) return null;
    if (!response.ok)
      throw new Error(`App Store Server API ${path.split("/")[3] ?? ""}: HTTP ${response.status}`);
    const body: unknown = await response.json();
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : null;
  }
  return {
    async subscriptionStatus(transactionId) {
      const body = await get(`/inApps/v1/subscriptions/${encodeURIComponent(transactionId)}`);
      const groups = Array.isArray(body?.data) ? (body.data as unknown[]) : [];
      for (const group of groups) {
        const last = (group as { lastTransactions?: unknown }).lastTransactions;
        for (const item of Array.isArray(last) ? last : []) {
          const { signedTransactionInfo, signedRenewalInfo } = item as Record<string, unknown>;
          if (typeof signedTransactionInfo === "string")
            return {
              signedTransactionInfo,
              signedRenewalInfo: typeof signedRenewalInfo === "string" ? signedRenewalInfo : null,
            };
        }
      }
      return null;
    },
    async transactionInfo(transactionId) {
      const body = await get(`/inApps/v1/transactions/${encodeURIComponent(transactionId)}`);
      return typeof body?.signedTransactionInfo === "string" ? body.signedTransactionInfo : null;
    },
  };
}
