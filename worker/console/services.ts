import type { Context } from "hono";
import type { endSession } from "../auth/session";
import type { getLiveConfig, putLiveConfig } from "../config/store";
import type { AppEnv } from "../env";
import type { flushMetrics } from "../ops/metrics";

/**
 * What the console borrows from the main module. The console is built into its own ES module
 * (worker/console-chunk.js, see worker/console-loader.ts), which carries its own copy of every
 * module it imports, module-level state included. Functions whose correctness depends on that
 * state — this isolate's live-config cache, its session-revocation cache, its buffered metrics —
 * must therefore be the main module's own instances, handed in here; a copy in the chunk would
 * update a cache nobody reads (a saved config or a revoked session would go unnoticed by the API
 * on this isolate for up to 30 s) or flush an always-empty metrics buffer.
 *
 * Import these only as types in worker/console/** (ESLint forbids the value imports; the test
 * test/e2e/console-chunk.e2e.test.ts checks what the chunk ends up containing).
 */
export interface ConsoleServices {
  getLiveConfig: typeof getLiveConfig;
  putLiveConfig: typeof putLiveConfig;
  endSession: typeof endSession;
  flushMetrics: typeof flushMetrics;
}

// Keyed by the request's own context: nothing here outlives or crosses a request.
const bound = new WeakMap<Context<AppEnv>, ConsoleServices>();

/** Called once per console request by `handleConsole`, before any page runs. */
export function bindServices(c: Context<AppEnv>, services: ConsoleServices): void {
  bound.set(c, services);
}

/** The main module's services for this request. */
export function services(c: Context<AppEnv>): ConsoleServices {
  const found = bound.get(c);
  if (!found) throw new Error("console services not bound: handleConsole() was bypassed");
  return found;
}
