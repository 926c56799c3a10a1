import {
  accountKeyOf,
  GoogleAuthError,
  isFresh,
  type GoogleAccessToken,
  type GoogleTokenResult,
  type ServiceAccount,
} from "./service-account-token";

/** What a credentials Durable Object answers over RPC (see durable-objects/google-credentials.ts). */
export interface GoogleTokenMinter {
  getAccessToken(): Promise<GoogleTokenResult>;
  reportUnauthorized(token: string): Promise<GoogleTokenResult>;
}

export interface GoogleTokenClient {
  /** The current access token: this isolate's copy, or the minter's (which exchanges only if needed). */
  get(env: Env, account: ServiceAccount, now?: number): Promise<string>;
  /**
   * The API said 401 for `token`: the minter exchanges again only if that is still its current
   * token (a burst of 401s still makes one exchange), and hands back the token to use.
   */
  refreshAfterUnauthorized(env: Env, token: string): Promise<string>;
  /** Tests only: forget this isolate's copy (the minter keeps its own). */
  reset(): void;
}

/**
 * One isolate's copy of a credentials object's token: the object is asked only when the copy is
 * within ~5 minutes of expiry, or the API refused it.
 *
 * No promise is ever shared between requests here: in workerd, awaiting another request's
 * in-flight I/O makes the awaiting request's own later I/O fail ("Cannot perform I/O on behalf
 * of a different request"). Each request asks the object itself; the object serialises minting.
 */
export function googleTokenClient(scope: string, minter: (env: Env) => GoogleTokenMinter): GoogleTokenClient {
  let cached: GoogleAccessToken | undefined;
  const accept = (result: GoogleTokenResult): string => {
    if (!result.ok) throw new GoogleAuthError(result.message, result.retryable);
    cached = { accountKey: result.accountKey, token: result.token, expiresAt: result.expiresAt };
    return result.token;
  };
  return {
    async get(env, account, now = Date.now()) {
      if (cached && isFresh(cached, accountKeyOf(account, scope), now)) return cached.token;
      return accept(await minter(env).getAccessToken());
    },
    async refreshAfterUnauthorized(env, token) {
      if (cached?.token === token) cached = undefined;
      return accept(await minter(env).reportUnauthorized(token));
    },
    reset() {
      cached = undefined;
    },
  };
}
