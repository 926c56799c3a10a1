import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/**
 * What query modules need from D1: the binding, a request's session (`CountedSession`) or a
 * Durable Object's `env.DB` all fit. No `exec` and no `withSession`: a query runs where its
 * caller's handle points.
 */
export type D1Like = Pick<D1Database, "prepare" | "batch">;

/**
 * A drizzle handle over the D1 binding or a session. Cheap: create one per request or per call site.
 * drizzle's D1 driver only calls `prepare` and `batch` (it has no session support of its own yet,
 * drizzle-orm #4522), so a session stands in for the binding: this is the one cast that says so.
 */
export function getDb(d1: D1Like) {
  return drizzle(d1 as D1Database, { schema });
}

export type Db = ReturnType<typeof getDb>;
