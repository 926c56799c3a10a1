import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { InvalidAccessToken, verifyAccessToken } from "../auth/jwt";
import { isSessionRevoked } from "../auth/session-cache";
import type { D1Like } from "../db/client";
import type { AppEnv, AuthContext, UserEnv } from "../env";
import { unauthorized } from "../errors";

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
/** Three base64url segments: only JWTs are ours to verify (admin keys are not JWT-shaped). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Endpoints where a bearer token means nothing: apps often attach their (possibly expired)
 * access token to every call, and refreshing must still work when it has expired — a 401
 * there would send the app's auth interceptor into a refresh loop.
 */
const BEARER_IGNORED = new Set([
  "/v1/auth/refresh",
  "/v1/auth/anonymous",
  "/.well-known/jwks.json",
  // Pub/Sub's bearer is Google's OIDC token, checked by the route itself (entitlements/play/pubsub-auth.ts).
  "/v1/webhooks/play",
]);

/** The bearer token in `Authorization` if it is JWT-shaped (else undefined). */
function bearerJwt(header: string | undefined): string | undefined {
  const token = header ? BEARER.exec(header)?.[1] : undefined;
  return token && JWT_SHAPE.test(token) ? token : undefined;
}

/** Verifies an access token (signature, claims) and that its session is not revoked. Throws `unauthorized()`. */
async function authenticateToken(env: Env, d1: D1Like, token: string): Promise<AuthContext> {
  let claims;
  try {
    claims = await verifyAccessToken(env, token);
  } catch (error) {
    if (error instanceof InvalidAccessToken) throw unauthorized();
    throw error;
  }
  if (await isSessionRevoked(d1, claims.sid)) throw unauthorized("The session has been revoked");
  return { userId: claims.sub, sessionId: claims.sid, anonymous: claims.anon, expiresAt: claims.exp * 1000 };
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
      c.set("auth", await authenticateToken(c.env, c.var.d1, token));
    }
    return next();
  };
}

/**
 * Route guard: a valid user access token is required. Typed `UserEnv`, so the handler behind it
 * reads `c.var.auth` as an `AuthContext`; the check here is what makes that type true.
 *
 * `queryToken`: the token may also come in the `token` query parameter (WebSocket upgrades:
 * browsers and some socket libraries cannot set headers). It is verified like a header token.
 */
export function requireUser(options: { queryToken?: boolean } = {}): MiddlewareHandler<AppEnv & UserEnv> {
  return createMiddleware<AppEnv & UserEnv>(async (c, next) => {
    // Declared as set, checked here: before this guard it is whatever authenticate() found.
    const verified: AuthContext | undefined = c.var.auth;
    if (!verified) {
      const token = options.queryToken ? c.req.query("token") : undefined;
      if (!token || bearerJwt(`Bearer ${token}`) === undefined) throw unauthorized();
      c.set("auth", await authenticateToken(c.env, c.var.d1, token));
    }
    await next();
  });
}
