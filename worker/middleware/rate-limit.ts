import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/sha256";
import { EDGE_RETRY_AFTER_SECONDS, withinEdgeLimits, type EdgeLimit } from "../limits/edge";
import { takeFromBucket } from "../limits/limiter-client";
import { bucketPolicy, type BucketLimit } from "../limits/settings";
import type { TakeResult } from "../limits/token-bucket";

/**
 * Rate limits, named in the route definitions they guard (`middleware` of createRoute, or the
 * access marker's `more`), so the OpenAPI document lists their 429 and a refused request never
 * reaches validation or the handler: nothing is minted, applied or created. The answer is the contract's
 * `429 rate_limited` with `Retry-After` in seconds.
 */

const rateLimited = (retryAfterSeconds: number) =>
  new ApiError(429, "rate_limited", `Too many requests; retry in ${retryAfterSeconds} s`, {
    headers: { "Retry-After": String(retryAfterSeconds) },
  });

/** The device id the sign-in routes will use: the body's `deviceId`, else `X-Device-Id`. */
async function deviceIdOf(c: Context<AppEnv>): Promise<string | undefined> {
  // jsonBody() has parsed the body (if any) into this cache; reading it costs nothing.
  const parsed = (c.req.bodyCache as { json?: Promise<unknown> }).json;
  const body: unknown = parsed ? await parsed : undefined;
  const fromBody = (body as { deviceId?: unknown } | null | undefined)?.deviceId;
  if (typeof fromBody === "string" && fromBody.length > 0 && fromBody.length <= 128) return fromBody;
  return c.get("profile").deviceId;
}

/** Sign-in, refresh, anonymous sign-up: the Rate Limiting binding, per IP and per device. */
export function limitAuth(limit: EdgeLimit): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = { ip: c.req.header("CF-Connecting-IP"), deviceId: await deviceIdOf(c) };
    let within = true;
    try {
      within = await withinEdgeLimits(c.env, limit, caller);
    } catch (error) {
      // A limiter that fails must not lock everyone out of signing in: let the request through.
      warn(c, limit, error);
    }
    if (!within) throw rateLimited(EDGE_RETRY_AFTER_SECONDS);
    return next();
  };
}

/** One token from the key's bucket; a limiter that cannot be reached lets the request through. */
async function take(c: Context<AppEnv>, limit: BucketLimit, key: string): Promise<void> {
  let result: TakeResult;
  try {
    result = await takeFromBucket(c.env, limit, key, bucketPolicy(c.env, limit));
  } catch (error) {
    warn(c, limit, error);
    return;
  }
  if (!result.allowed) throw rateLimited(result.retryAfterSeconds);
}

/**
 * Per signed-in user (sync pushes, inbox reads). A request without a user passes: the route's
 * `requireUser()` answers it with 401.
 */
export function limitPerUser(limit: BucketLimit): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get("auth");
    if (auth) await take(c, limit, `user:${auth.userId}`);
    return next();
  };
}

/**
 * Per admin key (campaign creation); mount after `requireAdmin()`, so only a valid key is ever
 * counted. The bucket is named by a hash of the key, never the key.
 */
export function limitPerAdminKey(limit: BucketLimit): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    if (key) await take(c, limit, `admin:${await sha256Hex(key)}`);
    return next();
  };
}

function warn(c: Context<AppEnv>, limit: string, error: unknown): void {
  console.error(
    JSON.stringify({
      level: "warn",
      message: "rate limiter unavailable; request let through",
      requestId: c.get("requestId"),
      limit,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}
