import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../../durable-objects/rate-limiter";

const policy = { capacity: 2, perMinute: 2 };
const fresh = () => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(crypto.randomUUID()));

describe("RateLimiter (one token bucket)", () => {
  it("is exact under concurrency: of many simultaneous takes, exactly capacity pass", async () => {
    const stub = fresh();
    const results = await Promise.all(Array.from({ length: 10 }, () => stub.take(policy)));
    expect(results.filter((r) => r.allowed)).toHaveLength(2);
  });

  it("stores the bucket with every take, so an evicted object keeps its count", async () => {
    const stub = fresh();
    await stub.take(policy);
    await stub.take(policy);
    const stored = await runInDurableObject(stub, (_: RateLimiter, state) => state.storage.kv.get("bucket"));
    expect((stored as { tokens: number }).tokens).toBeLessThan(1);
    expect((await stub.take(policy)).allowed).toBe(false);
  });

  it("forgets a bucket once it would be full again, leaving no storage behind", async () => {
    const stub = fresh();
    await stub.take(policy);
    expect(
      await runInDurableObject(stub, (_: RateLimiter, state) => state.storage.getAlarm()),
    ).not.toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const left = await runInDurableObject(
      stub,
      (_: RateLimiter, state) => [...state.storage.kv.list()].length,
    );
    expect(left).toBe(0);
    expect((await stub.take(policy)).allowed).toBe(true);
  });
});
