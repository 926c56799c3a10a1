import type { Context } from "hono";
import { endSession } from "./auth/session";
import { getLiveConfig, putLiveConfig } from "./config/store";
import type * as ConsoleChunk from "./console/app";
import type { ConsoleServices } from "./console/services";
import type { AppEnv } from "./env";
import { flushMetrics } from "./ops/metrics";

/**
 * Loads the console on its first request. The console is its own ES module, `console-chunk.js`
 * (built from worker/console/app.ts by scripts/console-chunk.ts, uploaded beside the main module
 * by wrangler's `find_additional_modules`), so the main module that every API request loads does
 * not carry its pages, Hono JSX output or queries (issue 13; bench/README.md, Bundle).
 *
 * The specifier is a variable on purpose: a literal `import("./console/app")` would make wrangler's
 * esbuild inline the console into the main module again. It is relative to this file, which sits
 * beside the chunk both in worker/ (the vitest pool) and in the built `dist/` (index.js).
 *
 * THE RULE: the chunk has its own copies of Hono, zod, drizzle and of every module-level variable
 * of the modules it imports. A console code path may only use stateless modules (pure functions,
 * query modules, clients of Durable Objects) or memo caches whose copy cannot be wrong (parsed
 * semver ranges, Intl formatters, its own asset hashes). Anything whose state the API also reads
 * or writes — the live-config cache, the session-revocation cache, the metrics buffers — is the
 * main module's instance, passed in through `ConsoleServices`. Enforced by ESLint (no value
 * imports of those modules under worker/console/) and by test/e2e/console-chunk.e2e.test.ts.
 * Classes differ across the boundary too: an `ApiError` thrown by a service is not an `instanceof`
 * the chunk's `ApiError` (services return results rather than throw for expected outcomes), and
 * the chunk's drizzle tables work with the main module's `db` because drizzle recognises its
 * objects by their entity kind, not by class identity.
 */
const SERVICES: ConsoleServices = { getLiveConfig, putLiveConfig, endSession, flushMetrics };

const CONSOLE_CHUNK: string = "./console-chunk.js";

/** Serves one /console request (see worker/app.ts). */
export async function handleConsole(c: Context<AppEnv>): Promise<Response> {
  const chunk = (await import(CONSOLE_CHUNK)) as typeof ConsoleChunk;
  return chunk.handleConsole(c, SERVICES);
}
