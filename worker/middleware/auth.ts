import type { MiddlewareHandler } from "hono";
import { InvalidAccessToken, verifyAccessToken } from "../auth/jwt";
import { isSessionRevoked } from "../auth/session-cache";
import type { AppEnv, AuthContext } from "../env";
import { unauthorized } from "../errors";

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
/** Three base64url segments: only JWTs are ours to verify (admin keys are not JWT-shaped). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Endpoints where a bearer token means nothing: apps often attach their (possibly expired)
 * access token to every call, and refreshing must still work when it has expired — a 401
 * there would send the app's auth interceptor into a refresh loop.
 */
const BEARER_IGNORED = new Set(["/v1/auth/refresh", "/v1/auth/anonymous", "/.well-known/jwks.json"]);

/** The bearer token in `Authorization` if it is JWT-shaped (else undefined). */
export function bearerJwt(header: string | undefined): string | undefined {
  const token = header ? BEARER.exec(header)?.[1] : undefined;
  return token && JWT_SHAPE.test(token) ? token : undefined;
}

/**
 * Verifies an access token (signature, claims) and that its session is not revoked.
 * Throws `unauthorized()`. Exported for callers that take the token elsewhere (e.g. the sync
 * socket's `token` query parameter).
 */
export async function authenticateToken(env: Env, token: string): Promise<AuthContext> {
  let claims;
  try {
    claims = await verifyAccessToken(env, token);
  } catch (error) {
    if (error instanceof InvalidAccessToken) throw unauthorized();
    throw error;
  }
  if (await isSessionRevoked(env.DB, claims.sid)) throw unauthorized("The session has been revoked");
  return { userId: claims.sub, sessionId: claims.sid, anonymous: claims.anon };
}

/**
 * A JWT-shaped `Authorization: Bearer` token is verified and sets `c.var.auth`; an invalid,
 * expired, forged or revoked one is `401 unauthorized` with `WWW-Authenticate`. Requests
 * without one pass through (routes guard with `requireUser()`), and so do non-JWT bearers,
 * which `requireAdmin()` checks.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerJwt(c.req.header("Authorization"));
    if (token && !BEARER_IGNORED.has(c.req.path)) {
      c.set("auth", await authenticateToken(c.env, token));
    }
    return next();
  };
}

/** Route guard: a valid user access token is required. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("auth")) throw unauthorized();
    return next();
  };
}
