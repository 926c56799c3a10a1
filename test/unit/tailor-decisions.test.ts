import { describe, expect, it } from "vitest";
import { imageQuality, imageWidth, networkTier, pageSize } from "../../worker/tailor/decisions";
import type { EffectiveConnectionType } from "../../worker/tailor/profile";

const hints = (saveData: boolean, ect?: EffectiveConnectionType) => ({ saveData, ect });

describe("networkTier, pageSize and imageQuality", () => {
  const rows: [string, boolean, EffectiveConnectionType | undefined, string, number, number][] = [
    // name, saveData, ect, tier, page size, image quality
    ["no hints", false, undefined, "fast", 30, 85],
    ["4g", false, "4g", "fast", 30, 85],
    ["3g", false, "3g", "medium", 15, 75],
    ["2g", false, "2g", "slow", 10, 60],
    ["slow-2g", false, "slow-2g", "slow", 10, 60],
    ["Save-Data on 4g", true, "4g", "slow", 10, 60],
    ["Save-Data without ECT", true, undefined, "slow", 10, 60],
    ["Save-Data on 3g", true, "3g", "slow", 10, 60],
  ];
  it.each(rows)("%s → tier %s… as the table says", (_name, saveData, ect, tier, page, quality) => {
    expect(networkTier(hints(saveData, ect))).toBe(tier);
    expect(pageSize(hints(saveData, ect))).toBe(page);
    expect(imageQuality(hints(saveData, ect))).toBe(quality);
  });
});

describe("imageWidth", () => {
  const rows: [string, number, number | undefined, boolean, EffectiveConnectionType | undefined, number][] = [
    // name, dpr, viewport width, saveData, ect, width
    ["no hints: 390 CSS px at 1× → 480", 1, undefined, false, undefined, 480],
    ["1× 320 → exactly 320", 1, 320, false, undefined, 320],
    ["1× 100 → the smallest rung", 1, 100, false, undefined, 160],
    ["2× 375 → exactly 750", 2, 375, false, undefined, 750],
    ["2× 414 → 828", 2, 414, false, undefined, 828],
    ["3× 390 → 1170 rounds up to 1280", 3, 390, false, undefined, 1280],
    ["3× 430 → 1290 rounds up to 1440", 3, 430, false, undefined, 1440],
    ["4× 1366 → capped at 1920", 4, 1366, false, undefined, 1920],
    ["2.625× 412 (Android) → 1082 rounds up to 1280", 2.625, 412, false, undefined, 1280],
    ["Save-Data 3× 390 → one rung lower, 1080", 3, 390, true, undefined, 1080],
    ["2g 2× 375 → one rung lower, 640", 2, 375, false, "2g", 640],
    ["3g keeps the rung", 2, 375, false, "3g", 750],
    ["Save-Data at the smallest rung stays there", 1, 100, true, undefined, 160],
    ["Save-Data above the top → the rung below the top", 4, 3000, true, undefined, 1440],
  ];
  it.each(rows)("%s", (_name, dpr, viewportWidth, saveData, ect, width) => {
    expect(imageWidth({ dpr, viewportWidth, saveData, ect })).toBe(width);
  });
});
