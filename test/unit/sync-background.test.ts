import { describe, expect, it } from "vitest";
import {
  decideSilentPushes,
  SILENT_PUSH_MARGIN_MS,
  SILENT_PUSH_WINDOW_MS,
} from "../../worker/sync/background";

const now = 1_800_000_000_000;
const WINDOW = SILENT_PUSH_WINDOW_MS + SILENT_PUSH_MARGIN_MS;

describe("decideSilentPushes", () => {
  it.each([
    ["never pushed", undefined, "sendNow"],
    ["pushed just now", now, "owe"],
    ["pushed 19 minutes ago", now - 19 * 60_000, "owe"],
    ["pushed one window ago", now - WINDOW, "sendNow"],
    ["pushed an hour ago", now - 3_600_000, "sendNow"],
  ] as const)("decides for a device %s: %s", (_label, last, expected) => {
    const decision = decideSilentPushes({
      candidates: ["d1"],
      origins: new Set(),
      live: new Set(),
      lastPushAt: () => last,
      now,
    });
    expect(decision[expected]).toEqual(["d1"]);
  });

  it("never wakes the device that made the change, nor one with a live socket, and each device once", () => {
    const decision = decideSilentPushes({
      candidates: ["origin", "online", "offline", "offline"],
      origins: new Set(["origin"]),
      live: new Set(["online"]),
      lastPushAt: () => undefined,
      now,
    });
    expect(decision).toEqual({ sendNow: ["offline"], owe: [] });
  });
});
