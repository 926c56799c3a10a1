import type { BucketPolicy } from "./token-bucket";

/**
 * The exact limits (a token bucket per key, see durable-objects/rate-limiter.ts): each is one
 * wrangler var, a rate per minute; the bucket holds a minute's worth, so a burst of that many is
 * fine. The defaults sit far above what a real app does and above the benchmark loads (one user
 * pushing from 20 clients reaches ~140 pushes/s for a few seconds: bench/README.md).
 */
const BUCKETS = {
  /** `POST /v1/sync/{spaceId}/push`, per user. */
  sync_push: { setting: "RATE_LIMIT_SYNC_PUSH_PER_MINUTE", perMinute: 6_000 },
  /** `GET /v1/notifications`, per user. */
  inbox_read: { setting: "RATE_LIMIT_INBOX_READ_PER_MINUTE", perMinute: 600 },
  /** `POST /v1/push/campaigns`, per admin key. */
  campaign_create: { setting: "RATE_LIMIT_CAMPAIGN_CREATE_PER_MINUTE", perMinute: 600 },
  /**
   * `POST /console/login`, per client network: the admin key is long and random, so 10 tries a
   * minute make guessing hopeless while a person who mistypes it twice is never locked out.
   */
  console_login: { setting: "RATE_LIMIT_CONSOLE_LOGIN_PER_MINUTE", perMinute: 10 },
} as const;

export type BucketLimit = keyof typeof BUCKETS;

/** The policy configured for `limit`; a missing or malformed setting falls back to the default. */
export function bucketPolicy(env: Env, limit: BucketLimit): BucketPolicy {
  const { setting, perMinute: fallback } = BUCKETS[limit];
  const configured = Number(env[setting]);
  const perMinute = Number.isSafeInteger(configured) && configured > 0 ? configured : fallback;
  return { capacity: perMinute, perMinute };
}
