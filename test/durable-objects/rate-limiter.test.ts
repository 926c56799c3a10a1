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

  it("stores a bucket below half full with every take, so an evicted object keeps its count", async () => {
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
    await stub.take(policy); // below half full: stored, with an alarm
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

  it("keeps a bucket that is still draining when its alarm comes, and sets one alarm, not one per take", async () => {
    const stub = fresh();
    const four = { capacity: 4, perMinute: 4 };
    await stub.take(four);
    await stub.take(four);
    await stub.take(four); // 1 token left: stored, alarm set
    const first = await runInDurableObject(stub, (_: RateLimiter, state) => state.storage.getAlarm());
    await stub.take(four); // drained: full again only later than the alarm was set for
    expect(await runInDurableObject(stub, (_: RateLimiter, state) => state.storage.getAlarm())).toBe(first);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // Not forgotten: still exact, and the alarm re-armed for when it will be full (or a minute on).
    expect((await stub.take(four)).allowed).toBe(false);
    const rearmed = await runInDurableObject(stub, (_: RateLimiter, state) => state.storage.getAlarm());
    expect(rearmed).toBeGreaterThan(first ?? Infinity);
  });

  it("writes nothing while the bucket is more than half full", async () => {
    const stub = fresh();
    const ten = { capacity: 10, perMinute: 10 };
    for (let i = 0; i < 5; i++) expect((await stub.take(ten)).allowed).toBe(true);
    const stored = await runInDurableObject(stub, async (_: RateLimiter, state) => ({
      keys: [...state.storage.kv.list()].length,
      alarm: await state.storage.getAlarm(),
    }));
    expect(stored).toEqual({ keys: 0, alarm: null });
    // The sixth take leaves 4 of 10: stored from now on.
    await stub.take(ten);
    const bucket = await runInDurableObject(stub, (_: RateLimiter, state) => state.storage.kv.get("bucket"));
    expect((bucket as { tokens: number }).tokens).toBeLessThan(5);
  });
});
