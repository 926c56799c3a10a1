import { jwtVerify, type JWTPayload } from "jose";
import { remoteJwks } from "../../auth/remote-jwks";

/**
 * Authentication of Pub/Sub push requests (a push subscription "with authentication"): Pub/Sub
 * signs an OIDC token as the subscription's service account and sends it as the bearer. We check
 * Google's signature (RS256, Google's JWKS), `iss`, `aud` (the audience set on the subscription),
 * `email` (that service account) and `email_verified` — any of them missing means anyone could
 * post notifications, so unset configuration refuses everything.
 */

const DEFAULT_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs";
const ISSUERS = ["accounts.google.com", "https://accounts.google.com"];
/** Clock skew tolerated on `exp`, `iat` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** Pub/Sub tokens live an hour; anything claiming longer was not minted by it. */
const MAX_TOKEN_AGE_SECONDS = 60 * 60 + CLOCK_TOLERANCE_SECONDS;

export type PubSubEnv = Pick<
  Env,
  "PLAY_PUBSUB_AUDIENCE" | "PLAY_PUBSUB_SERVICE_ACCOUNT_EMAIL" | "GOOGLE_OIDC_JWKS_URL"
>;

export class PubSubUnauthorized extends Error {
  override name = "PubSubUnauthorized";
}

/** Verifies the `Authorization` header of a push; throws PubSubUnauthorized for anything else. */
export async function verifyPubSubPush(env: PubSubEnv, authorization: string | undefined): Promise<void> {
  const audience = env.PLAY_PUBSUB_AUDIENCE?.trim() ?? "";
  const email = env.PLAY_PUBSUB_SERVICE_ACCOUNT_EMAIL?.trim() ?? "";
  if (audience === "" || email === "") {
    throw new PubSubUnauthorized("PLAY_PUBSUB_AUDIENCE or PLAY_PUBSUB_SERVICE_ACCOUNT_EMAIL is not set");
  }
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (token === undefined) throw new PubSubUnauthorized("no bearer token");
  const jwksUrl = env.GOOGLE_OIDC_JWKS_URL?.trim() || DEFAULT_JWKS_URL;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, remoteJwks(jwksUrl), {
      algorithms: ["RS256"],
      issuer: ISSUERS,
      audience,
      requiredClaims: ["iat", "exp", "email"],
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw new PubSubUnauthorized(error instanceof Error ? `${error.name}: ${error.message}` : "invalid");
  }
  if (payload.email !== email) throw new PubSubUnauthorized("email is not the push service account");
  if (payload.email_verified !== true) throw new PubSubUnauthorized("email is not verified");
}
