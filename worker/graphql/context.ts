import type { Context } from "hono";
import type { ZodError } from "zod";
import type { AppEnv, AuthContext } from "../env";
import { invalidBody, invalidQuery, unauthorized } from "../errors";
import type { RequestBatch } from "./queries/batch";

/**
 * What every resolver gets: the request's Hono context (its database handle, env, device
 * profile), the verified caller, and the request's D1 batch. Made per request.
 */
export type GraphqlContext = {
  c: Context<AppEnv>;
  auth: AuthContext | undefined;
  batch: RequestBatch;
  /** Per-request memo of reads several fields share (the caller's spaces). */
  memo: Map<string, Promise<unknown>>;
  /** Per-request keyed loaders, by name (each collects the keys asked for in one step). */
  loaders: Map<string, unknown>;
};

/** The signed-in caller, or the contract's `unauthorized` (as REST's requireUser answers). */
export function userOf(ctx: GraphqlContext): AuthContext {
  if (!ctx.auth) throw unauthorized();
  return ctx.auth;
}

/** Runs `load` once per request for `key`; later callers share its promise. */
export function memoised<T>(ctx: GraphqlContext, key: string, load: () => Promise<T>): Promise<T> {
  let pending = ctx.memo.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = load();
    ctx.memo.set(key, pending);
  }
  return pending;
}

/** `first` of a paginated field: 1..max, else `invalid_query` (REST's `limit` rule). */
export function pageLimit(first: number | null | undefined, fallback: number, max: number): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalidQuery(`first must be an integer from 1 to ${max}`, [
      { path: "first", message: `must be an integer from 1 to ${max}` },
    ]);
  }
  return value;
}

/** An `after` cursor: what a previous page's `endCursor` was (a decimal number), else `invalid_query`. */
export function pageCursor(after: string | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  if (!/^\d{1,15}$/.test(after)) {
    throw invalidQuery("after must be an endCursor of a previous page", [
      { path: "after", message: "must be an endCursor of a previous page" },
    ]);
  }
  return Number(after);
}

/** A zod failure on mutation arguments → `invalid_body` with each field, as REST's hook does. */
export function invalidArguments(error: ZodError) {
  return invalidBody(
    "The arguments do not match the schema",
    error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
  );
}
