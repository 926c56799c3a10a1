import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { LedgerContext } from "./ledger";

/** The ledger's context for a request: its D1 session, and waitUntil for the silent push. */
export function ledgerContext<E extends AppEnv>(c: Context<E>): LedgerContext {
  let waitUntil: LedgerContext["waitUntil"];
  try {
    const ctx = c.executionCtx;
    waitUntil = (promise) => ctx.waitUntil(promise);
  } catch {
    waitUntil = undefined; // dispatched without an ExecutionContext (some tests): the push is awaited
  }
  return { env: c.env, d1: c.var.d1, waitUntil };
}
