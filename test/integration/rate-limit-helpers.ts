import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { app } from "../../worker/app";
import { apiRequest } from "../setup/http";

/** Shared by the rate-limit tests: requests through the Worker's app with some bindings swapped. */

/**
 * The Worker's fetch with `overrides` on top of the test env (tiny limits, another admin key),
 * where `call()` uses the test env as it is: the rest of the suite keeps the defaults.
 */
export async function callWith(
  overrides: Partial<Env>,
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(apiRequest(path, init), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Asserts the contract's 429: problem+json, `rate_limited`, `Retry-After` in whole seconds. */
export async function expectRateLimited(res: Response, maxRetryAfter = 60): Promise<number> {
  expect(res.status, await res.clone().text()).toBe(429);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  expect((await res.json<{ code: string; status: number }>()).code).toBe("rate_limited");
  const retryAfter = res.headers.get("Retry-After") ?? "";
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  expect(Number(retryAfter)).toBeLessThanOrEqual(maxRetryAfter);
  return Number(retryAfter);
}

/**
 * Miniflare's Rate Limiting emulation counts in fixed windows aligned to the minute: a burst that
 * straddles a boundary would be counted in two windows. Waits for a fresh window when fewer than
 * 10 s are left of this one.
 */
export async function startOfWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
