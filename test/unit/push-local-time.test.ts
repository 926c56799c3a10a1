import { describe, expect, it } from "vitest";
import {
  localToInstant,
  nextLocalOccurrence,
  parseLocalTime,
  scheduleZone,
  zoneOffset,
} from "../../worker/push/campaigns/local-time";

const at = (iso: string) => Date.parse(iso);

describe("nextLocalOccurrence", () => {
  const rows: Array<[string, string, string, string, string]> = [
    // [what, localTime, zone, now, expected instant]
    ["later the same day in UTC", "09:00", "UTC", "2026-06-01T08:00:00Z", "2026-06-01T09:00:00Z"],
    ["tomorrow when the time has passed", "09:00", "UTC", "2026-06-01T09:00:01Z", "2026-06-02T09:00:00Z"],
    ["exactly now fires now", "09:00", "UTC", "2026-06-01T09:00:00Z", "2026-06-01T09:00:00Z"],
    ["Zurich in summer is UTC+2", "09:00", "Europe/Zurich", "2026-06-01T00:00:00Z", "2026-06-01T07:00:00Z"],
    ["Zurich in winter is UTC+1", "09:00", "Europe/Zurich", "2026-01-10T00:00:00Z", "2026-01-10T08:00:00Z"],
    [
      "Tokyo is ahead: its 09:00 already passed",
      "09:00",
      "Asia/Tokyo",
      "2026-06-01T01:00:00Z",
      "2026-06-02T00:00:00Z",
    ],
    [
      "New York's local date differs from UTC's",
      "21:00",
      "America/New_York",
      "2026-06-02T00:30:00Z",
      "2026-06-02T01:00:00Z",
    ],
    ["a half-hour zone", "09:00", "Asia/Kolkata", "2026-06-01T00:00:00Z", "2026-06-01T03:30:00Z"],
    ["a 45-minute zone", "09:00", "Asia/Kathmandu", "2026-06-01T00:00:00Z", "2026-06-01T03:15:00Z"],
    // Spring forward in Zurich: 2026-03-29 02:00 CET → 03:00 CEST.
    [
      "the morning after spring-forward uses the new offset",
      "09:00",
      "Europe/Zurich",
      "2026-03-29T00:00:00Z",
      "2026-03-29T07:00:00Z",
    ],
    [
      "a time inside the spring-forward gap lands after the gap",
      "02:30",
      "Europe/Zurich",
      "2026-03-28T23:00:00Z",
      "2026-03-29T01:30:00Z",
    ],
    [
      "the evening before spring-forward uses the old offset",
      "21:00",
      "Europe/Zurich",
      "2026-03-28T12:00:00Z",
      "2026-03-28T20:00:00Z",
    ],
    // Fall back in Zurich: 2026-10-25 03:00 CEST → 02:00 CET; 02:30 happens twice.
    [
      "an ambiguous fall-back time is its first occurrence",
      "02:30",
      "Europe/Zurich",
      "2026-10-24T22:00:00Z",
      "2026-10-25T00:30:00Z",
    ],
    [
      "after the first occurrence, the next day's is used, not the repeat",
      "02:30",
      "Europe/Zurich",
      "2026-10-25T00:31:00Z",
      "2026-10-26T01:30:00Z",
    ],
    [
      "the morning after fall-back uses the new offset",
      "09:00",
      "Europe/Zurich",
      "2026-10-25T00:00:00Z",
      "2026-10-25T08:00:00Z",
    ],
    // US spring forward 2026-03-08 02:00 EST → 03:00 EDT.
    [
      "New York spring-forward gap",
      "02:15",
      "America/New_York",
      "2026-03-08T05:00:00Z",
      "2026-03-08T07:15:00Z",
    ],
    // Southern hemisphere: Sydney leaves DST on 2026-04-05 03:00 AEDT → 02:00 AEST.
    [
      "Sydney ambiguous time at the end of its summer time",
      "02:30",
      "Australia/Sydney",
      "2026-04-04T14:00:00Z",
      "2026-04-04T15:30:00Z",
    ],
    [
      "an unknown zone counts as UTC",
      "09:00",
      "Mars/Olympus",
      "2026-06-01T08:00:00Z",
      "2026-06-01T09:00:00Z",
    ],
    ["midnight", "00:00", "UTC", "2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z"],
  ];
  for (const [what, localTime, zone, now, expected] of rows) {
    it(`${what} (${localTime} ${zone} from ${now})`, () => {
      expect(new Date(nextLocalOccurrence(localTime, zone, at(now))).toISOString()).toBe(
        new Date(at(expected)).toISOString(),
      );
    });
  }

  it("rejects a malformed local time", () => {
    expect(() => nextLocalOccurrence("9:00", "UTC", 0)).toThrow(RangeError);
    expect(() => nextLocalOccurrence("24:00", "UTC", 0)).toThrow(RangeError);
  });
});

describe("helpers", () => {
  it("parses HH:MM and refuses anything else", () => {
    expect(parseLocalTime("09:05")).toEqual([9, 5]);
    expect(parseLocalTime("23:59")).toEqual([23, 59]);
    expect(parseLocalTime("12:60")).toBeNull();
    expect(parseLocalTime("12:00:00")).toBeNull();
  });

  it("reports a zone's offset including DST", () => {
    expect(zoneOffset(at("2026-06-01T00:00:00Z"), "Europe/Zurich")).toBe(2 * 3600_000);
    expect(zoneOffset(at("2026-01-01T00:00:00Z"), "America/Los_Angeles")).toBe(-8 * 3600_000);
  });

  it("maps a wall-clock time to its instant", () => {
    expect(localToInstant(2026, 7, 4, 12, 0, "America/Los_Angeles")).toBe(at("2026-07-04T19:00:00Z"));
  });

  it("schedules devices without a valid timezone in UTC", () => {
    expect(scheduleZone(null)).toBe("UTC");
    expect(scheduleZone("Not/AZone")).toBe("UTC");
    expect(scheduleZone("Europe/Zurich")).toBe("Europe/Zurich");
  });
});
