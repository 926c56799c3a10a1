import { describe, expect, it } from "vitest";
import { msUntilFull, takeToken, type BucketState } from "../../worker/limits/token-bucket";

const policy = { capacity: 3, perMinute: 6 }; // one token every 10 s

/** Takes `n` tokens at `now`, returning the last verdict and the state. */
function takeMany(n: number, state: BucketState | undefined, now: number) {
  let out = takeToken(state, policy, now);
  for (let i = 1; i < n; i++) out = takeToken(out.state, policy, now);
  return out;
}

describe("token bucket", () => {
  it("starts full: a burst of `capacity` passes and the next is refused", () => {
    const three = takeMany(3, undefined, 0);
    expect(three.result).toEqual({ allowed: true, remaining: 0 });
    expect(takeToken(three.state, policy, 0).result).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it("refills at the configured rate and says when the next token comes", () => {
    const empty = takeMany(3, undefined, 0).state;
    expect(takeToken(empty, policy, 4_000).result).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(takeToken(empty, policy, 10_000).result).toEqual({ allowed: true, remaining: 0 });
  });

  it("a refusal takes nothing: waiting Retry-After is enough", () => {
    const empty = takeMany(3, undefined, 0).state;
    const refused = takeToken(empty, policy, 5_000);
    expect(refused.result.allowed).toBe(false);
    expect(takeToken(refused.state, policy, 10_000).result.allowed).toBe(true);
  });

  it("never holds more than capacity, however long it was idle", () => {
    const idle = takeMany(4, { tokens: 0, at: 0 }, 3_600_000);
    expect(idle.result).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it("refills nothing when the clock goes back", () => {
    const empty = takeMany(3, undefined, 50_000).state;
    expect(takeToken(empty, policy, 0).result.allowed).toBe(false);
  });

  it("Retry-After is at least one second", () => {
    const fast = { capacity: 1, perMinute: 6_000 };
    const { state } = takeToken(undefined, fast, 0);
    expect(takeToken(state, fast, 0).result).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("knows when the bucket is full again", () => {
    expect(msUntilFull({ tokens: 1, at: 0 }, policy)).toBe(20_000);
    expect(msUntilFull({ tokens: 3, at: 0 }, policy)).toBe(0);
  });
});
