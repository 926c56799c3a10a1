import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { parseDeviceProfile } from "../tailor/profile";

export function deviceProfile(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("profile", parseDeviceProfile(c.req.raw.headers));
    return next();
  };
}
