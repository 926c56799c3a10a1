import { describe, expect, it } from "vitest";
import {
  type AcceptedCodings,
  acceptedCodings,
  chooseEncoding,
  imageQuality,
  imageWidth,
  networkTier,
  pageSize,
} from "../../worker/tailor/decisions";
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

describe("acceptedCodings", () => {
  const rows: [string | null, string[]][] = [
    // header → codings we may send, most preferred first
    [null, []],
    ["", []],
    ["br, gzip", ["br", "gzip"]],
    ["gzip, deflate, br", ["gzip", "br"]],
    ["gzip, deflate", ["gzip"]],
    ["br", ["br"]],
    ["identity", []],
    ["*", ["br", "gzip"]],
    ["br;q=0, *", ["gzip"]],
    ["gzip;q=0, br;q=0.5", ["br"]],
    ["gzip;q=0.5, br", ["br", "gzip"]],
    ["br;q=1.0, gzip;q=0.9, deflate;q=0.8", ["br", "gzip"]],
    ["GZIP;Q=1", ["gzip"]],
    ["x-gzip", ["gzip"]],
    ["*;q=0", []],
    ["br;q=junk, gzip", ["gzip"]],
    ["br;q=2, gzip", ["gzip"]],
    ["deflate, gzip;q=1.0, *;q=0.5", ["gzip", "br"]],
    ["gzip, gzip;q=0", ["gzip"]],
  ];
  it.each(rows)("%j → %j", (header, expected) => {
    expect(acceptedCodings(header)).toEqual(expected);
  });
});

describe("chooseEncoding", () => {
  const both: AcceptedCodings = ["br", "gzip"];
  const gzipFirst: AcceptedCodings = ["gzip", "br"];
  const gzipOnly: AcceptedCodings = ["gzip"];
  const none: AcceptedCodings = [];
  const rows: [
    string,
    boolean,
    EffectiveConnectionType | undefined,
    AcceptedCodings,
    number,
    string,
    number,
  ][] = [
    // name, saveData, ect, accepted, bytes, coding, level
    ["under 1 KB goes out plain", false, "4g", both, 1023, "identity", 0],
    ["1 KB on a fast phone: brotli at the knee", false, "4g", both, 1024, "br", 5],
    ["a large body on a fast phone: brotli q5", false, undefined, both, 200_000, "br", 5],
    ["a 3G phone: still q5", false, "3g", both, 6_000, "br", 5],
    ["a small body to a Save-Data phone: brotli's best", true, undefined, both, 6_000, "br", 11],
    ["8 KiB to a 2G phone: brotli's best", false, "2g", both, 8 * 1024, "br", 11],
    ["just over 8 KiB to a 2G phone: back to q5", false, "2g", both, 8 * 1024 + 1, "br", 5],
    ["gzip-only client gets gzip 6", false, "4g", gzipOnly, 50_000, "gzip", 6],
    ["a client preferring gzip gets gzip", false, "4g", gzipFirst, 50_000, "gzip", 6],
    ["gzip-only Save-Data client gets gzip 6", true, "2g", gzipOnly, 5_000, "gzip", 6],
    ["a client accepting neither gets identity", false, "4g", none, 50_000, "identity", 0],
    ["tiny body to a Save-Data phone: plain", true, "slow-2g", both, 200, "identity", 0],
  ];
  it.each(rows)("%s", (_name, saveData, ect, accepted, bytes, coding, level) => {
    expect(chooseEncoding({ saveData, ect }, accepted, bytes)).toEqual({ coding, level });
  });
});
