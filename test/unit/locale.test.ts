import { describe, expect, it } from "vitest";
import { localeMatches, normalizeLocale } from "../../worker/lib/locale";

// One rule for flag rules and push targeting: `wanted` is the rule's or target's tag, `locale`
// the device's or request's.
describe("localeMatches", () => {
  const rows: [wanted: string, locale: string | null, expected: boolean][] = [
    // Flag rules (rule locale against the request's first Accept-Language entry).
    ["de", "de", true],
    ["de", "de-CH", true],
    ["de", "DE-ch", true],
    ["DE", "de-CH", true],
    ["de-CH", "de-CH", true],
    ["de-CH", "de-ch-1996", true],
    ["de-CH", "de", false],
    ["de-CH", "de-AT", false],
    ["d", "de", false],
    ["de", "den", false],
    ["zh-Hant", "zh-Hant-TW", true],
    ["zh-Hant", "zh-Hans-CN", false],
    // Push targeting (target locale against the device's registered locale).
    ["de", "de_AT", true],
    ["de-CH", "DE-ch", true],
    ["de-DE", "de-CH", false],
    ["de", "dex", false],
    ["fr", "fr-CH", true],
    ["de", null, false],
    // `_` and `-` are the same separator on either side.
    ["de_CH", "de-CH", true],
    ["de-CH", "de_CH", true],
    ["DE_ch", "de-ch", true],
    ["de_CH", "de_CH_1996", true],
    ["de_CH", "de-AT", false],
    ["de", "", false],
  ];
  for (const [wanted, locale, expected] of rows) {
    it(`${expected ? "matches" : "does not match"} ${wanted} against ${locale ?? "no locale"}`, () => {
      expect(localeMatches(wanted, locale)).toBe(expected);
    });
  }
});

describe("normalizeLocale", () => {
  it("lower-cases and turns underscores into hyphens", () => {
    expect(normalizeLocale("de_CH")).toBe("de-ch");
    expect(normalizeLocale("zh_Hant_TW")).toBe("zh-hant-tw");
    expect(normalizeLocale("en")).toBe("en");
  });
});
