import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { parseStrictJson } from "../lib/strict-json";

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * Parses every non-empty request body as strict JSON (see `parseStrictJson`) once, up front,
 * and caches the value where Hono's validators read it. Runs after `bodyLimit`, which has
 * already buffered the bytes.
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const buffered = c.req.bodyCache.arrayBuffer;
    if (!buffered) return next();
    const bytes = new Uint8Array(await buffered);
    if (bytes.byteLength === 0) return next();
    const type = c.req.header("Content-Type") ?? "";
    if (!JSON_TYPE.test(type)) {
      throw new ApiError(415, "unsupported_media_type", "Request bodies must be application/json");
    }
    const value = parseStrictJson(bytes);
    (c.req.bodyCache as Record<string, unknown>).json = Promise.resolve(value);
    return next();
  };
}
