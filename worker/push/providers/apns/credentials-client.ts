import type { ProviderToken } from "./provider-token";

/**
 * The typed client of the `ApnsCredentials` Durable Object (the only place its stub is got), and
 * each isolate's copy of the deployment's APNs provider token. The ApnsCredentials Durable
 * Object is the only minter; isolates ask it only when their copy is ~40 minutes old (at most
 * once a minute while the object still hands back the same token) or APNs called it expired.
 * Each request asks the object itself (a promise shared across requests would make workerd refuse
 * the waiting requests' later I/O); the object serialises minting, so there is still one mint.
 */

const NAME = "apns";
/** Ask the object again once the copy is this old; it re-mints at 45, Apple refuses at 60. */
const REFRESH_AGE_MS = 40 * 60_000;
/** Between 40 and 45 minutes the object answers with the same token: do not ask on every send. */
const RECHECK_INTERVAL_MS = 60_000;

let cached: (ProviderToken & { checkedAt: number }) | undefined;

function stub(env: Env) {
  return env.APNS_CREDENTIALS.get(env.APNS_CREDENTIALS.idFromName(NAME));
}

/** The provider token to put in `authorization: bearer …`. */
export async function getApnsProviderToken(env: Env): Promise<ProviderToken> {
  const now = Date.now();
  if (cached && (now - cached.issuedAt < REFRESH_AGE_MS || now - cached.checkedAt < RECHECK_INTERVAL_MS)) {
    return cached;
  }
  return remember(await stub(env).getProviderToken());
}

/**
 * APNs answered 403 ExpiredProviderToken for `token`: the object re-mints if that is still its
 * current token and the 20-minute floor allows, and otherwise returns the current one (which may
 * be the same: the caller must then back off rather than resend).
 */
export async function reportApnsTokenExpired(env: Env, token: string): Promise<ProviderToken> {
  if (cached && cached.token !== token) return cached;
  return remember(await stub(env).reportExpired(token));
}

/** Tests only: forget the isolate's copy. */
export function resetApnsTokenCache(): void {
  cached = undefined;
}

function remember(fresh: ProviderToken): ProviderToken {
  cached = { token: fresh.token, issuedAt: fresh.issuedAt, checkedAt: Date.now() };
  return fresh;
}
