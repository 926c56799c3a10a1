/**
 * The cheap first line in front of sign-in, refresh and anonymous sign-up: Cloudflare's Rate
 * Limiting binding, once per client IP and once per device (both must pass: a device id is the
 * caller's to choose, an IP is shared behind NATs). The binding counts per Cloudflare location
 * and is eventually consistent, so it stops floods, not the n+1st request; the limits and
 * windows are `[[ratelimits]]` in wrangler.toml.
 */

export type EdgeLimit = "sign_in" | "refresh" | "anonymous";

/**
 * The binding answers only `success`, not when its window ends; its period is 10 or 60 seconds,
 * so 60 is always long enough.
 */
export const EDGE_RETRY_AFTER_SECONDS = 60;

export interface Caller {
  ip: string | undefined;
  deviceId: string | undefined;
}

/**
 * The key for a client address: an IPv4 address as is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so keying on full addresses would give them 2^64 keys).
 */
export function networkOf(ip: string): string {
  if (!ip.includes(":")) return ip;
  // An IPv4-mapped address (::ffff:203.0.113.7) is that IPv4 address.
  const v4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip)?.[1];
  if (v4) return v4;
  const [head = "", tail] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** Whether the caller is within both limits (a caller with neither an IP nor a device id is). */
export async function withinEdgeLimits(env: Env, limit: EdgeLimit, caller: Caller): Promise<boolean> {
  const checks: Promise<RateLimitOutcome>[] = [];
  if (caller.ip) checks.push(env.RATE_LIMIT_AUTH_IP.limit({ key: `${limit}:ip:${networkOf(caller.ip)}` }));
  if (caller.deviceId)
    checks.push(env.RATE_LIMIT_AUTH_DEVICE.limit({ key: `${limit}:device:${caller.deviceId}` }));
  const outcomes = await Promise.all(checks);
  return outcomes.every((o) => o.success);
}
