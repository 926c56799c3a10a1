import type { BucketLimit } from "./settings";
import type { BucketPolicy, TakeResult } from "./token-bucket";

/**
 * The typed client of the RateLimiter Durable Object: one object per (limit, key), never one
 * global object, so each key's bucket is exact and no key's traffic queues behind another's.
 */
export async function takeFromBucket(
  env: Env,
  limit: BucketLimit,
  key: string,
  policy: BucketPolicy,
): Promise<TakeResult> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${limit}:${key}`));
  return (await stub.take(policy)) as TakeResult;
}
