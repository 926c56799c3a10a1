import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { forbidden, unauthorized } from "../errors";

const encoder = new TextEncoder();

/**
 * Compares two secrets in constant time. Both sides are hashed first so the comparison works on
 * equal-length inputs and leaks neither the key nor its length through timing.
 */
async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}

/**
 * Admin endpoints: `Authorization: Bearer <ADMIN_API_KEY>`. No credential (or a malformed one)
 * or a wrong key is 401; a valid user access token is 403 (authenticated but not allowed).
 * It sets no variables: admin handlers act for the operator, never for a user.
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized("An admin bearer key is required");
    const configured = c.env.ADMIN_API_KEY;
    if (!configured || !(await constantTimeEqual(match[1], configured))) {
      // A signed-in user is authenticated but not allowed; anything else is a bad credential.
      if (c.var.auth) throw forbidden("Admin access is required");
      throw unauthorized("The admin key is not valid");
    }
    await next();
  });
}
