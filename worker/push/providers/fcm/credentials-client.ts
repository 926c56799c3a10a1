import {
  accountKeyOf,
  FcmAuthError,
  isFresh,
  type FcmAccessToken,
  type FcmTokenResult,
  type ServiceAccount,
} from "./access-token";

/**
 * The typed client of the `FcmCredentials` Durable Object (the only place its stub is got), and
 * this isolate's copy of the token: the object is asked only when the copy is within ~5 minutes
 * of expiry, or FCM refused it.
 *
 * No promise is ever shared between requests here: in workerd, awaiting another request's
 * in-flight I/O makes the awaiting request's own later I/O fail ("Cannot perform I/O on behalf
 * of a different request"). Each request asks the object itself; the object serialises minting.
 */

const NAME = "fcm";

let cached: FcmAccessToken | undefined;

function minter(env: Env) {
  return env.FCM_CREDENTIALS.get(env.FCM_CREDENTIALS.idFromName(NAME));
}

function accept(result: FcmTokenResult): string {
  if (!result.ok) throw new FcmAuthError(result.message, result.retryable);
  cached = { accountKey: result.accountKey, token: result.token, expiresAt: result.expiresAt };
  return result.token;
}

/** The current access token: this isolate's copy, or the minter's (which exchanges only if needed). */
export async function getFcmAccessToken(
  env: Env,
  account: ServiceAccount,
  now = Date.now(),
): Promise<string> {
  if (cached && isFresh(cached, accountKeyOf(account), now)) return cached.token;
  return accept(await minter(env).getAccessToken());
}

/**
 * FCM said 401 for `token`: the minter exchanges again only if that is still its current token
 * (a burst of 401s still makes one exchange), and hands back the token to use.
 */
export async function refreshAfterUnauthorized(env: Env, token: string): Promise<string> {
  if (cached?.token === token) cached = undefined;
  return accept(await minter(env).reportUnauthorized(token));
}

/** Tests only: forget this isolate's copy (the minter keeps its own; see its tests). */
export function resetFcmTokenCache(): void {
  cached = undefined;
}
