import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../client/src/backoff";
import { parseRetryAfter } from "../../client/src/errors";

const opts = { baseMs: 500, maxMs: 60_000 };

describe("backoffDelay", () => {
  it("doubles per attempt, half fixed and half jitter", () => {
    expect(backoffDelay(0, opts, undefined, () => 0)).toBe(250);
    expect(backoffDelay(0, opts, undefined, () => 1)).toBe(500);
    expect(backoffDelay(3, opts, undefined, () => 0)).toBe(2_000);
    expect(backoffDelay(3, opts, undefined, () => 1)).toBe(4_000);
  });

  it("stops growing at the ceiling, even after many attempts", () => {
    expect(backoffDelay(40, opts, undefined, () => 1)).toBe(60_000);
    expect(backoffDelay(1_000, opts, undefined, () => 0)).toBe(30_000);
  });

  it("never waits less than the server's Retry-After", () => {
    expect(backoffDelay(0, opts, 5_000, () => 0)).toBe(5_000);
    expect(backoffDelay(10, opts, 1_000, () => 1)).toBe(60_000);
  });

  it("spreads a fleet of retries instead of lockstep", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, opts)));
    expect(delays.size).toBeGreaterThan(40);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["3", 3_000],
    ["0", 0],
    [null, undefined],
    ["soon", undefined],
  ])("%s → %s ms", (header, ms) => {
    expect(parseRetryAfter(header, 0)).toBe(ms);
  });

  it("reads an HTTP date relative to now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
  });
});
