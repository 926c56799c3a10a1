import type { MiddlewareHandler } from "hono";
import { getDb } from "../db/client";
import { CountedSession, newerBookmark } from "../db/counted-session";
import type { AppEnv } from "../env";

/** The request and response header that carries a D1 bookmark (API.md "Reads near the phone"). */
export const BOOKMARK_HEADER = "Outpost-Bookmark";

/**
 * What D1 (and local D1's Durable Object storage) hands out: four dash-separated hex groups,
 * e.g. `0000004c-00000001-00004f7a-4f0d…`. Anything else is ignored, never passed to D1: a
 * bookmark D1 cannot parse would fail the request's first query.
 */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** The client's bookmark if it has D1's shape, else undefined (served as if none was sent). */
export function parseBookmark(header: string | undefined): string | undefined {
  return header !== undefined && BOOKMARK.test(header) ? header : undefined;
}

/**
 * One D1 session per request, read by routes as `c.var.db` (drizzle) or `c.var.d1` (raw query
 * modules); every query of the request runs in it. It starts at the client's bookmark when one
 * came (sequential consistency per client: its own writes, never time going backwards, on any
 * replica), else anywhere (`first-unconstrained`); routes that must read the primary say so with
 * `primary()`. The response carries the session's newest bookmark — the client's own when the
 * request ran no query — also on errors.
 */
export function database(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = parseBookmark(c.req.header(BOOKMARK_HEADER));
    const session = new CountedSession(c.env.DB, sent ?? "first-unconstrained");
    c.set("d1", session);
    c.set("db", getDb(session));
    await next();
    // The newer of the client's and the session's (which includes a Durable Object's commit made
    // for this request, e.g. a sync push): a write's response always names the write.
    const bookmark = newerBookmark(session.getBookmark(), sent);
    // 101 responses are immutable in workerd.
    if (bookmark !== null && c.res.status !== 101) c.res.headers.set(BOOKMARK_HEADER, bookmark);
  };
}

/**
 * Route option: this flow must read the primary (right after a sign-in's writes, admin
 * read-backs and conditional updates), whatever bookmark the client sent.
 */
export function primary(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.var.d1.usePrimary();
    await next();
  };
}
