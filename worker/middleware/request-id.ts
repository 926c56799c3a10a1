import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

// A client-sent id is echoed only if it is short and printable, so it can never smuggle
// anything into logs or headers.
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = c.req.header("X-Request-Id");
    const id = sent && SANE_ID.test(sent) ? sent : crypto.randomUUID();
    c.set("requestId", id);
    c.set("timings", new Map());
    await next();
    c.header("X-Request-Id", id);
  };
}
