import { describe, expect, it } from "vitest";
import {
  REFRESH_GRACE_MS,
  classifyRefresh,
  generateRefreshToken,
  hashRefreshToken,
  type RefreshTokenState,
} from "../../worker/auth/refresh";

const now = 1_800_000_000_000;
const live: RefreshTokenState = {
  generation: 3,
  usedAt: null,
  sessionGeneration: 3,
  sessionRevokedAt: null,
  sessionExpiresAt: now + 1000,
};

describe("classifyRefresh", () => {
  const rows: [string, RefreshTokenState | null, ReturnType<typeof classifyRefresh>][] = [
    ["an unknown token", null, "invalid"],
    ["a live token", live, "rotate"],
    ["a live token of a revoked session", { ...live, sessionRevokedAt: now - 1 }, "invalid"],
    ["a live token of an expired session", { ...live, sessionExpiresAt: now }, "invalid"],
    ["the immediately previous token, just used", { ...live, generation: 2, usedAt: now }, "retry"],
    [
      "the immediately previous token at the edge of the grace",
      { ...live, generation: 2, usedAt: now - REFRESH_GRACE_MS },
      "retry",
    ],
    [
      "the immediately previous token after the grace",
      { ...live, generation: 2, usedAt: now - REFRESH_GRACE_MS - 1 },
      "reuse",
    ],
    ["an older spent token, within 10 s", { ...live, generation: 1, usedAt: now - 100 }, "reuse"],
    [
      "a sibling that was never used, now an older generation",
      { ...live, generation: 2, usedAt: null },
      "reuse",
    ],
    [
      "a spent token of a revoked session",
      { ...live, generation: 2, usedAt: now, sessionRevokedAt: now },
      "invalid",
    ],
  ];
  for (const [name, state, verdict] of rows) {
    it(`${name} → ${verdict}`, () => {
      expect(classifyRefresh(state, now, REFRESH_GRACE_MS)).toBe(verdict);
    });
  }
});

describe("refresh token material", () => {
  it("is 256 random bits in base64url, different every time", () => {
    const a = generateRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateRefreshToken()).not.toBe(a);
  });

  it("is stored as a SHA-256 hex digest", async () => {
    expect(await hashRefreshToken("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
