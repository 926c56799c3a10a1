import { googleTokenClient } from "../../../google/token-client";
import { FCM_SCOPE } from "./access-token";

/**
 * The typed client of the `FcmCredentials` Durable Object (the only place its stub is got), and
 * this isolate's copy of the token (see worker/google/token-client.ts).
 */
const client = googleTokenClient(FCM_SCOPE, (env) =>
  env.FCM_CREDENTIALS.get(env.FCM_CREDENTIALS.idFromName("fcm")),
);

/** The current access token: this isolate's copy, or the minter's (which exchanges only if needed). */
export const getFcmAccessToken = client.get;

/** FCM said 401 for `token`: one fresh token from the minter (one exchange per burst). */
export const refreshAfterUnauthorized = client.refreshAfterUnauthorized;

/** Tests only: forget this isolate's copy (the minter keeps its own; see its tests). */
export const resetFcmTokenCache = client.reset;
