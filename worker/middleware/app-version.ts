import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

// PLACEHOLDER (devices/config work): 426 upgrade_required below the platform's minVersion,
// except on /v1/config and /healthz.
export function appVersionPolicy(): MiddlewareHandler<AppEnv> {
  return async (_c, next) => next();
}
