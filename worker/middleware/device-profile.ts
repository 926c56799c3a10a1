import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { clientAcceptEncoding } from "../http/encoding";
import { parseDeviceProfile } from "../tailor/profile";

/** Headers → `c.var.profile`, once per request; everything that tailors (and encodes) reads it. */
export function deviceProfile(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("profile", parseDeviceProfile(c.req.raw.headers, clientAcceptEncoding(c.req.raw)));
    return next();
  };
}
