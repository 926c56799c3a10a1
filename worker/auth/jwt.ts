/**
 * Access tokens: ES256 JWTs (`typ: at+jwt`, RFC 9068) signed with the first key of
 * `JWT_SIGNING_KEYS`. The only place jose is used for access tokens.
 */
import { SignJWT, jwtVerify, type JWTHeaderParameters } from "jose";
import { getKeyRing } from "./keys";
import { getVerified, rememberVerified } from "./verified-cache";

/** Access tokens live 15 minutes: revocation is also enforced per request (see sessions-cache.ts). */
const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

interface AccessTokenClaims {
  /** User id. */
  sub: string;
  /** Session id: revoking the session ends the token. */
  sid: string;
  anon: boolean;
}

export interface VerifiedAccessToken extends AccessTokenClaims {
  iat: number;
  exp: number;
}

type JwtEnv = { JWT_SIGNING_KEYS: string; JWT_ISSUER: string; JWT_AUDIENCE: string };

export async function signAccessToken(
  env: JwtEnv,
  claims: AccessTokenClaims,
): Promise<{ token: string; expiresIn: number }> {
  const { signing } = await getKeyRing(env);
  const token = await new SignJWT({ sid: claims.sid, anon: claims.anon })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: signing.kid })
    .setSubject(claims.sub)
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(signing.key);
  return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}

/** Anything wrong with an access token: the caller answers 401 without saying which check failed. */
export class InvalidAccessToken extends Error {
  override name = "InvalidAccessToken";
}

/**
 * Verifies signature (ES256 only, key chosen by `kid` among all configured keys), `typ`, `iss`,
 * `aud`, `exp`, and the presence and types of our claims. Throws `InvalidAccessToken`.
 */
export async function verifyAccessToken(env: JwtEnv, token: string): Promise<VerifiedAccessToken> {
  const scope = `${env.JWT_ISSUER}\u0000${env.JWT_AUDIENCE}\u0000${env.JWT_SIGNING_KEYS}`;
  // The 5 s matches jwtVerify's clockTolerance below.
  const cached = getVerified(scope, token, Math.floor(Date.now() / 1000) - 5);
  if (cached) return cached;
  const verified = await verifyUncached(env, token);
  rememberVerified(scope, token, verified);
  return verified;
}

async function verifyUncached(env: JwtEnv, token: string): Promise<VerifiedAccessToken> {
  const { verifying } = await getKeyRing(env);
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const key = header.kid === undefined ? undefined : verifying.get(header.kid);
        if (!key) throw new InvalidAccessToken("unknown kid");
        return key;
      },
      {
        algorithms: ["ES256"],
        typ: "at+jwt",
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        requiredClaims: ["sub", "sid", "iat", "exp"],
        clockTolerance: 5,
      },
    );
    const { sub, sid, anon, iat, exp } = payload as Record<string, unknown>;
    if (
      typeof sub !== "string" ||
      typeof sid !== "string" ||
      typeof anon !== "boolean" ||
      typeof iat !== "number" ||
      typeof exp !== "number" ||
      exp - iat > ACCESS_TOKEN_TTL_SECONDS
    ) {
      throw new InvalidAccessToken("bad claims");
    }
    return { sub, sid, anon, iat, exp };
  } catch (error) {
    if (error instanceof InvalidAccessToken) throw error;
    throw new InvalidAccessToken(error instanceof Error ? error.message : "invalid");
  }
}
