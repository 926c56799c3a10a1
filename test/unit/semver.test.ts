import { describe, expect, it } from "vitest";
import { compareVersions, parseRange, parseSemver, satisfies, versionKey } from "../../worker/lib/semver";

describe("parseSemver", () => {
  const rows: [string, ReturnType<typeof parseSemver>][] = [
    ["3.2.1", { major: 3, minor: 2, patch: 1, prerelease: [] }],
    ["v3.2.1", { major: 3, minor: 2, patch: 1, prerelease: [] }],
    [" 3.2.1 ", { major: 3, minor: 2, patch: 1, prerelease: [] }],
    ["1.0.0-beta.2", { major: 1, minor: 0, patch: 0, prerelease: ["beta", "2"] }],
    ["1.0.0+build.7", { major: 1, minor: 0, patch: 0, prerelease: [] }],
    ["1.0.0-rc.1+build.7", { major: 1, minor: 0, patch: 0, prerelease: ["rc", "1"] }],
    ["3.2", null],
    ["3", null],
    ["01.2.3", null],
    ["1.2.3.4", null],
    ["1.2.3-", null],
    ["1.2.x", null],
    ["", null],
    ["banana", null],
  ];
  for (const [input, expected] of rows) {
    it(`parses ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
      expect(parseSemver(input)).toEqual(expected);
    });
  }
});

describe("compareVersions", () => {
  const rows: [string, string, number][] = [
    ["1.0.0", "1.0.0", 0],
    ["1.0.0", "2.0.0", -1],
    ["2.0.0", "1.9.9", 1],
    ["1.10.0", "1.9.0", 1],
    ["1.0.10", "1.0.9", 1],
    ["1.0.0-alpha", "1.0.0", -1],
    ["1.0.0", "1.0.0-alpha", 1],
    ["1.0.0-alpha", "1.0.0-alpha.1", -1],
    ["1.0.0-alpha.1", "1.0.0-alpha.beta", -1],
    ["1.0.0-alpha.beta", "1.0.0-beta", -1],
    ["1.0.0-beta.2", "1.0.0-beta.11", -1],
    ["1.0.0-beta.11", "1.0.0-rc.1", -1],
    ["1.0.0+build.1", "1.0.0+build.2", 0],
    ["junk", "1.0.0", -1],
    ["1.0.0", "junk", 1],
    ["junk", "other junk", 0],
  ];
  for (const [a, b, expected] of rows) {
    it(`orders ${a} ${expected < 0 ? "before" : expected > 0 ? "after" : "with"} ${b}`, () => {
      expect(compareVersions(a, b)).toBe(expected);
    });
  }
});

describe("satisfies", () => {
  // [range, version, expected]
  const rows: [string, string, boolean][] = [
    [">=3.0.0", "3.0.0", true],
    [">=3.0.0", "2.9.9", false],
    [">=3.0.0", "3.0.0-beta.1", false],
    [">= 3.0.0", "3.1.0", true],
    [">3.0.0", "3.0.0", false],
    [">3.0.0", "3.0.1", true],
    ["<4", "3.99.99", true],
    ["<4", "4.0.0", false],
    ["<4", "4.0.0-beta", false],
    ["<1.2", "1.2.0-beta", false],
    ["<1.2", "1.1.9", true],
    ["<=1.2", "1.2.9", true],
    ["<=1.2", "1.3.0", false],
    [">1.2", "1.2.9", false],
    [">1.2", "1.3.0", true],
    ["=1.2.3", "1.2.3", true],
    ["1.2.3", "1.2.4", false],
    ["^3.1.0", "3.9.0", true],
    ["^3.1.0", "4.0.0", false],
    ["^3.1.0", "3.0.9", false],
    ["^0.2.3", "0.2.9", true],
    ["^0.2.3", "0.3.0", false],
    ["^0.0.3", "0.0.3", true],
    ["^0.0.3", "0.0.4", false],
    ["^0.0", "0.0.9", true],
    ["^0.0", "0.1.0", false],
    ["^1.2", "1.9.0", true],
    ["~3.2", "3.2.9", true],
    ["~3.2", "3.3.0", false],
    ["~3.2.1", "3.2.0", false],
    ["~3", "3.9.9", true],
    ["~3", "4.0.0", false],
    ["3.x", "3.5.1", true],
    ["3.x", "4.0.0", false],
    ["3.2.*", "3.2.7", true],
    ["3.2.*", "3.3.0", false],
    ["*", "0.0.1", true],
    ["x", "99.0.0", true],
    ["1.2.3 - 2.0.0", "1.2.3", true],
    ["1.2.3 - 2.0.0", "2.0.0", true],
    ["1.2.3 - 2.0.0", "2.0.1", false],
    ["1.2.3 - 2", "2.9.9", true],
    ["1.2.3 - 2", "3.0.0", false],
    [">=3.0.0 <3.5.0", "3.4.9", true],
    [">=3.0.0 <3.5.0", "3.5.0", false],
    ["<2.0.0 || >=3.0.0", "1.0.0", true],
    ["<2.0.0 || >=3.0.0", "2.5.0", false],
    ["<2.0.0 || >=3.0.0", "3.0.0", true],
    [">=3.0.0", "not a version", false],
    ["not a range", "3.0.0", false],
  ];
  for (const [range, version, expected] of rows) {
    it(`${expected ? "puts" : "keeps"} ${version} ${expected ? "in" : "out of"} ${range}`, () => {
      expect(satisfies(version, range)).toBe(expected);
    });
  }
});

describe("parseRange", () => {
  const invalid = [
    "",
    "   ",
    ">=",
    ">=banana",
    "3.0.0,<4",
    "~>1.2",
    ">=1.0.0 ||",
    "|| 1.0.0",
    "1.0.0 || || 2.0.0",
    "x".repeat(300),
  ];
  for (const range of invalid) {
    it(`refuses ${JSON.stringify(range.slice(0, 20))}`, () => {
      expect(parseRange(range)).toBeNull();
    });
  }
  const valid = [">=3.0.0", "^3.1", "~3.2", "3.x", "*", "1.2.3 - 2.0.0", "<2 || >=3", ">= 3.0.0 < 4"];
  for (const range of valid) {
    it(`accepts ${JSON.stringify(range)}`, () => {
      expect(parseRange(range)).not.toBeNull();
    });
  }
});

describe("versionKey", () => {
  const rows: [string, number | null][] = [
    ["3.2.1", 3_000_002_000_001],
    ["0.0.0", 0],
    ["3.2.1-beta", 3_000_002_000_001],
    ["10.0.0", 10_000_000_000_000],
    ["9000.0.0", null],
    ["1.1000000.0", null],
    ["junk", null],
  ];
  for (const [version, key] of rows) {
    it(`keys ${version} as ${key}`, () => {
      expect(versionKey(version)).toBe(key);
    });
  }

  it("sorts like compareVersions for releases", () => {
    const versions = ["1.0.0", "1.0.10", "1.2.0", "1.10.0", "2.0.0", "10.0.0"];
    const byKey = [...versions].sort((a, b) => (versionKey(a) ?? 0) - (versionKey(b) ?? 0));
    expect(byKey).toEqual([...versions].sort(compareVersions));
  });
});
