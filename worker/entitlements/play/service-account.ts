import { readServiceAccount, type ServiceAccount } from "../../google/service-account-token";
import { googleTokenClient } from "../../google/token-client";

/** The Play Developer API's scope; the service account needs "View financial data" and "Manage orders" in Play Console. */
export const PLAY_SCOPE = "https://www.googleapis.com/auth/androidpublisher";

/** Parses `PLAY_SERVICE_ACCOUNT` once per isolate; throws a non-retryable GoogleAuthError when unusable. */
export function readPlayServiceAccount(env: Pick<Env, "PLAY_SERVICE_ACCOUNT">): ServiceAccount {
  return readServiceAccount(env.PLAY_SERVICE_ACCOUNT, "PLAY_SERVICE_ACCOUNT");
}

/**
 * The typed client of the `PlayCredentials` Durable Object (the only place its stub is got):
 * one OAuth exchange per hour for the deployment, each isolate keeping a copy.
 */
export const playAccessToken = googleTokenClient(PLAY_SCOPE, (env) =>
  env.PLAY_CREDENTIALS.get(env.PLAY_CREDENTIALS.idFromName("play")),
);
