import { readServiceAccount, type ServiceAccount } from "../../../google/service-account-token";

/**
 * FCM's service account and scope; the JWT-bearer exchange itself is shared with the Play
 * Developer API in worker/google/service-account-token.ts.
 */

export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

/** Parses `FCM_SERVICE_ACCOUNT` once per isolate; throws a non-retryable GoogleAuthError when unusable. */
export function readFcmServiceAccount(raw: string | undefined): ServiceAccount {
  return readServiceAccount(raw, "FCM_SERVICE_ACCOUNT");
}
