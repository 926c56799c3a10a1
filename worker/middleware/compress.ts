import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

// PLACEHOLDER (tailoring work): picks the encoding per device profile and compresses once.
export function compressResponse(): MiddlewareHandler<AppEnv> {
  return async (_c, next) => next();
}
