import { describe, expect, it } from "vitest";
import { type AcceptedCodings, acceptedCodings, chooseEncoding } from "../../worker/http/encoding";
import type { EffectiveConnectionType } from "../../worker/tailor/profile";

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
