import type { MiddlewareHandler } from "hono";
import { getDb } from "../db/client";
import type { AppEnv } from "../env";

/**
 * One database handle per request, read by routes as `c.var.db` and handed to query functions.
 * Routes never import the database client: this is the one place a request's handle is made,
 * so how a request reaches D1 (a session, a replica) can change here without touching a route.
 */
export function database(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("db", getDb(c.env.DB));
    return next();
  };
}
