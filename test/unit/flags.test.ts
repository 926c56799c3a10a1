import { describe, expect, it } from "vitest";
import { type FlagContext, evaluateFlags, matchFlagRule, percentBucket } from "../../worker/config/flags";
import { configForDevice } from "../../worker/config/resolve";
import { type FlagRule, RemoteConfigSchema } from "../../worker/config/schema";
import { parseDeviceProfile } from "../../worker/tailor/profile";

describe("percentBucket", () => {
  // Pinned values: if these change, every running rollout reshuffles. Do not update them casually.
  const pinned: [string, string, number][] = [
    ["user-1", "newOnboarding", 53],
    ["user-2", "newOnboarding", 29],
    ["user-1", "darkMode", 86],
    ["", "x", 83],
    ["ü", "ß", 30],
  ];
  for (const [userId, flag, bucket] of pinned) {
    it(`puts ${JSON.stringify(userId)} in bucket ${bucket} of ${flag}, in every isolate and release`, () => {
      expect(percentBucket(userId, flag)).toBe(bucket);
    });
  }

  it("hashes the UTF-8 bytes exactly as TextEncoder would spell them (emoji and lone surrogates too)", () => {
    const reference = (userId: string, flag: string) => {
      let h = 0x811c9dc5;
      for (const byte of new TextEncoder().encode(`${flag}\u0000${userId}`))
        h = Math.imul(h ^ byte, 0x01000193);
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return (h >>> 0) % 100;
    };
    for (const id of ["ascii", "ü", "日本語", "😀x", "\ud800", "a\udc00b", "\u07ff\u0800\uffff"]) {
      for (const flag of ["f", "flägg", "🚩"]) expect(percentBucket(id, flag)).toBe(reference(id, flag));
    }
  });

  it("spreads users evenly: every decile holds 10% ± 1.5% of 20,000 ids", () => {
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const b = percentBucket(`00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`, "rollout");
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(100);
      deciles[Math.floor(b / 10)]! += 1;
    }
    for (const count of deciles) expect(Math.abs(count - 2_000)).toBeLessThan(300);
  });

  it("buckets the same user independently per flag", () => {
    let same = 0;
    for (let i = 0; i < 1_000; i++) if (percentBucket(`u${i}`, "a") === percentBucket(`u${i}`, "b")) same++;
    expect(same).toBeLessThan(40); // 1% expected by chance
  });
});

describe("matchFlagRule", () => {
  const ctx: FlagContext = { platform: "ios", appVersion: "3.2.1", locale: "de-CH", userId: "user-1" };
  // user-1 is in bucket 53 of "newOnboarding" (pinned above).
  const rows: [string, Omit<FlagRule, "value">, FlagContext, boolean][] = [
    ["a rule with no conditions", {}, ctx, true],
    ["a matching platform", { platforms: ["ios"] }, ctx, true],
    ["another platform", { platforms: ["android"] }, ctx, false],
    ["a platform rule without a platform", { platforms: ["ios"] }, { ...ctx, platform: undefined }, false],
    ["a matching version range", { appVersion: ">=3.2.0" }, ctx, true],
    ["a version below the range", { appVersion: ">=3.2.0" }, { ...ctx, appVersion: "3.1.9" }, false],
    [
      "a version range without a version",
      { appVersion: ">=0.0.0" },
      { ...ctx, appVersion: undefined },
      false,
    ],
    ["a compound range", { appVersion: ">=3.0.0 <3.2.1" }, ctx, false],
    ["a language prefix", { locales: ["de"] }, ctx, true],
    ["one of several locales", { locales: ["fr", "it", "de-CH"] }, ctx, true],
    ["another language", { locales: ["fr"] }, ctx, false],
    ["a locale rule without a locale", { locales: ["de"] }, { ...ctx, locale: undefined }, false],
    ["a percent above the bucket", { percent: 54 }, ctx, true],
    ["a percent equal to the bucket", { percent: 53 }, ctx, false],
    ["percent 100", { percent: 100 }, ctx, true],
    ["percent 0", { percent: 0 }, ctx, false],
    ["a percent without a user, even at 100", { percent: 100 }, { ...ctx, userId: undefined }, false],
    [
      "every condition matching",
      { platforms: ["ios"], appVersion: "^3", locales: ["de"], percent: 60 },
      ctx,
      true,
    ],
    [
      "all but one condition matching",
      { platforms: ["ios"], appVersion: "^3", locales: ["fr"], percent: 60 },
      ctx,
      false,
    ],
  ];
  for (const [what, rule, context, expected] of rows) {
    it(`${expected ? "matches" : "does not match"} ${what}`, () => {
      expect(matchFlagRule({ ...rule, value: true }, context, "newOnboarding")).toBe(expected);
    });
  }
});

describe("evaluateFlags", () => {
  const config = RemoteConfigSchema.parse({
    flags: {
      newOnboarding: {
        default: false,
        rules: [{ platforms: ["ios"], appVersion: ">=3.2.0", locales: ["de"], percent: 60, value: true }],
      },
      pageSize: {
        default: 20,
        rules: [
          { platforms: ["android"], value: 10 },
          { locales: ["de"], value: 30 },
          { locales: ["de-CH"], value: 40 },
        ],
      },
      banner: { default: null },
    },
  });
  const rows: [string, FlagContext, Record<string, unknown>][] = [
    [
      "an iPhone in German in the rollout",
      { platform: "ios", appVersion: "3.2.0", locale: "de-CH", userId: "user-1" },
      { newOnboarding: true, pageSize: 30, banner: null },
    ],
    [
      "an Android phone in German (first matching rule wins)",
      { platform: "android", appVersion: "3.2.0", locale: "de-CH", userId: "user-1" },
      { newOnboarding: false, pageSize: 10, banner: null },
    ],
    ["a caller with no facts at all", {}, { newOnboarding: false, pageSize: 20, banner: null }],
  ];
  for (const [who, ctx, expected] of rows) {
    it(`answers the defaults and rule values for ${who}`, () => {
      expect(evaluateFlags(config, ctx)).toEqual(expected);
    });
  }

  it("answers an empty object when there are no flags", () => {
    expect(evaluateFlags({ platforms: {}, flags: {} }, { platform: "ios" })).toEqual({});
  });
});

describe("configForDevice", () => {
  const config = RemoteConfigSchema.parse({
    platforms: { ios: { minVersion: "3.0.0", storeUrl: "https://apps.apple.com/app/id1" } },
    flags: { de: { default: false, rules: [{ locales: ["de"], value: true }] } },
  });

  it("uses the platform's policy and the first Accept-Language locale", () => {
    const profile = parseDeviceProfile(
      new Headers({ "X-Platform": "ios", "X-App-Version": "3.2.1", "Accept-Language": "fr;q=0.5, de-CH" }),
    );
    expect(configForDevice(config, profile, undefined)).toEqual({
      minVersion: "3.0.0",
      storeUrl: "https://apps.apple.com/app/id1",
      flags: { de: true },
    });
  });

  it("answers null policy fields for a platform without one", () => {
    const profile = parseDeviceProfile(new Headers({ "X-Platform": "android", "Accept-Language": "fr" }));
    expect(configForDevice(config, profile, "u")).toEqual({
      minVersion: null,
      storeUrl: null,
      flags: { de: false },
    });
  });
});
