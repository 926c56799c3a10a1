import { describe, expect, it } from "vitest";
import { parseRange, satisfies } from "../../worker/lib/semver";
import { planBuckets, bucketKeyFor, initialStatus, firstWakeAt } from "../../worker/push/campaigns/schedule";
import { foldStats } from "../../worker/push/campaigns/stats";
import { appVersionKeyBounds } from "../../worker/push/campaigns/targeting";

const K = (major: number, minor: number, patch: number) => major * 1e12 + minor * 1e6 + patch;

describe("appVersionKeyBounds", () => {
  const rows: Array<[string, { min: number | null; max: number | null }[]]> = [
    [">=3.0.0", [{ min: K(3, 0, 0), max: null }]],
    [">3.0.0", [{ min: K(3, 0, 0), max: null }]],
    ["<4", [{ min: null, max: K(4, 0, 0) }]],
    ["^3.1.0", [{ min: K(3, 1, 0), max: K(4, 0, 0) }]],
    ["~3.2", [{ min: K(3, 2, 0), max: K(3, 3, 0) }]],
    ["3.2.1", [{ min: K(3, 2, 1), max: K(3, 2, 1) }]],
    ["*", [{ min: null, max: null }]],
    [
      "<3.0.0 || >=4.0.0",
      [
        { min: null, max: K(3, 0, 0) },
        { min: K(4, 0, 0), max: null },
      ],
    ],
  ];
  for (const [range, bounds] of rows) {
    it(`bounds ${range} loosely enough for the exact check to decide`, () => {
      const parsed = parseRange(range);
      expect(parsed).not.toBeNull();
      expect(appVersionKeyBounds(parsed ?? [])).toEqual(bounds);
    });
  }

  it("never excludes in SQL a version the exact check would accept", () => {
    const versions = ["2.9.9", "3.0.0", "3.0.1", "3.1.0-beta.1", "3.1.0", "3.9.9", "4.0.0-rc.1", "4.0.0"];
    for (const range of [">=3.0.0", ">3.0.0", "<4.0.0", "^3.1.0", "~3.1", "3.x", ">=3.1.0-beta.0 <4.0.0-0"]) {
      const parsed = parseRange(range) ?? [];
      const bounds = appVersionKeyBounds(parsed);
      for (const v of versions) {
        if (!satisfies(v, range)) continue;
        const [maj = 0, min = 0, pat = 0] = v.split("-")[0]!.split(".").map(Number);
        const k = K(maj, min, pat);
        expect(
          bounds.some((b) => (b.min === null || k >= b.min) && (b.max === null || k <= b.max)),
          `${v} in ${range}`,
        ).toBe(true);
      }
    }
  });
});

describe("foldStats", () => {
  it("folds ledger counts into the contract's stats", () => {
    expect(
      foldStats(
        [
          { state: "sent", reason: null, n: 7 },
          { state: "failed", reason: "retries_exhausted", n: 2 },
          { state: "failed", reason: "INVALID_ARGUMENT", n: 1 },
          { state: "pruned", reason: null, n: 3 },
          { state: "pending", reason: null, n: 4 },
          { state: "leased", reason: null, n: 1 },
          { state: "cancelled", reason: null, n: 5 },
          { state: "withheld", reason: "owner_changed", n: 2 },
          { state: "withheld", reason: "unlinked", n: 1 },
        ],
        2,
      ),
    ).toEqual({
      targeted: 26,
      sent: 7,
      failed: { retries_exhausted: 2, INVALID_ARGUMENT: 1 },
      pruned: 3,
      opened: 2,
      pending: 5,
      cancelled: 5,
      withheld: { owner_changed: 2, unlinked: 1 },
    });
  });
});

describe("schedule planning", () => {
  const now = Date.parse("2026-06-01T06:00:00Z");

  it("gives a plain campaign one bucket firing now, or at sendAt", () => {
    expect(planBuckets({ sendAt: null, localTime: null }, ["*"], now)).toEqual([{ key: "*", fireAt: now }]);
    expect(planBuckets({ sendAt: now + 5000, localTime: null }, ["*"], now)).toEqual([
      { key: "*", fireAt: now + 5000 },
    ]);
    expect(planBuckets({ sendAt: now - 5000, localTime: null }, ["*"], now)).toEqual([
      { key: "*", fireAt: now },
    ]);
  });

  it("gives a local-time campaign one bucket per zone, earliest first", () => {
    const spec = { sendAt: null, localTime: "09:00" };
    expect(planBuckets(spec, ["Europe/Zurich", "UTC", "Asia/Tokyo", "UTC"], now)).toEqual([
      { key: "Europe/Zurich", fireAt: Date.parse("2026-06-01T07:00:00Z") },
      { key: "UTC", fireAt: Date.parse("2026-06-01T09:00:00Z") },
      { key: "Asia/Tokyo", fireAt: Date.parse("2026-06-02T00:00:00Z") },
    ]);
  });

  it("starts local time no earlier than sendAt", () => {
    const spec = { sendAt: Date.parse("2026-06-05T12:00:00Z"), localTime: "09:00" };
    expect(planBuckets(spec, ["UTC"], now)).toEqual([
      { key: "UTC", fireAt: Date.parse("2026-06-06T09:00:00Z") },
    ]);
  });

  it("puts devices without a valid timezone in the UTC bucket", () => {
    const spec = { sendAt: null, localTime: "09:00" };
    expect(bucketKeyFor(spec, null)).toBe("UTC");
    expect(bucketKeyFor(spec, "Nowhere/Special")).toBe("UTC");
    expect(bucketKeyFor(spec, "Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(bucketKeyFor({ sendAt: null, localTime: null }, "Asia/Tokyo")).toBe("*");
  });

  it("answers scheduled for a future sendAt or a local time, else sending", () => {
    expect(initialStatus({ sendAt: null, localTime: null }, now)).toBe("sending");
    expect(initialStatus({ sendAt: now - 1, localTime: null }, now)).toBe("sending");
    expect(initialStatus({ sendAt: now + 1, localTime: null }, now)).toBe("scheduled");
    expect(initialStatus({ sendAt: null, localTime: "09:00" }, now)).toBe("scheduled");
  });

  it("wakes a plain campaign when due and a local-time one at once to plan its zones", () => {
    expect(firstWakeAt({ sendAt: now + 60_000, localTime: null }, now)).toBe(now + 60_000);
    expect(firstWakeAt({ sendAt: now + 60_000, localTime: "09:00" }, now)).toBe(now);
  });
});
