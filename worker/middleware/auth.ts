import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { unauthorized } from "../errors";

// PLACEHOLDER (auth work): verifies a Bearer access token when one is present and sets c.var.auth.
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (_c, next) => next();
}

/** Route guard: a valid user access token is required. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("auth")) throw unauthorized();
    return next();
  };
}
