import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { d1ServerTiming, type CountedSession } from "../db/counted-session";
import type { AppEnv } from "../env";
import { recordRequest } from "../ops/metrics";

// Per-isolate memo: the same user's requests hash once (bounded; cleared when full).
const userHashes = new Map<string, string>();

/** Hashes the user id so logs can correlate a user's requests without naming them. */
async function hashUser(userId: string): Promise<string> {
  const known = userHashes.get(userId);
  if (known) return known;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`outpost-log:${userId}`));
  const hash = [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
  if (userHashes.size >= 10_000) userHashes.clear();
  userHashes.set(userId, hash);
  return hash;
}

/**
 * One structured JSON line per request (the contract's Operations fields) and a
 * `Server-Timing` header with the total, every phase a handler recorded and the request's D1
 * statements and round trips (`d1;desc="2 queries, 1 round trip"`).
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const route = c.get("route") ?? routePath(c, -1);
    const timings = [...c.get("timings")].map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`);
    // Declared as set; unset when an earlier step answered before database() ran.
    const d1: CountedSession | undefined = c.get("d1");
    if (d1) timings.push(d1ServerTiming(d1));
    timings.push(`total;dur=${durationMs.toFixed(1)}`);
    // 101 responses are immutable in workerd; they carry no Server-Timing.
    if (c.res.status !== 101) c.res.headers.set("Server-Timing", timings.join(", "));
    const profile = c.get("profile");
    const auth = c.get("auth");
    const cf = c.req.raw.cf as { colo?: string } | undefined;
    console.log(
      JSON.stringify({
        requestId: c.get("requestId"),
        method: c.req.method,
        route,
        status: c.res.status,
        durationMs,
        colo: cf?.colo ?? null,
        platform: profile?.platform ?? null,
        appVersion: profile?.appVersion ?? null,
        user: auth ? await hashUser(auth.userId) : null,
        d1Queries: d1?.queries ?? 0,
        d1RoundTrips: d1?.roundTrips ?? 0,
        // How many D1 said went to the primary; null where it did not say (local D1).
        d1Primary: d1 && d1.known > 0 ? d1.primary : null,
        // A Durable Object's own D1 round trips for this request (a sync push's group commit).
        ...(d1?.object ? { doD1RoundTrips: d1.object.roundTrips } : {}),
      }),
    );
    recordRequest(c, {
      route,
      status: c.res.status,
      method: c.req.method,
      colo: cf?.colo ?? null,
      platform: profile?.platform ?? null,
      durationMs,
    });
  };
}

/** Runs `work` and adds its duration to this request's `Server-Timing` under `name`. */
export async function timed<T>(
  c: { get(key: "timings"): Map<string, number> },
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const timings = c.get("timings");
    timings.set(name, (timings.get(name) ?? 0) + performance.now() - started);
  }
}
