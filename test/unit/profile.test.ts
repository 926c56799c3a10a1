import { describe, expect, it } from "vitest";
import { parseAppVersion } from "../../worker/lib/semver";
import { parseAcceptLanguage, parseDeviceProfile } from "../../worker/tailor/profile";

describe("parseAppVersion", () => {
  const rows: [string | null | undefined, string | undefined][] = [
    ["3.2.1", "3.2.1"],
    [" 3.2.1 ", "3.2.1"],
    ["v3.2.1", "3.2.1"],
    ["3.2.1-beta.2", "3.2.1-beta.2"],
    ["3.2.1+456", "3.2.1"],
    ["3.2.1-rc.1+456", "3.2.1-rc.1"],
    ["3.2", undefined],
    ["03.2.1", undefined],
    ["3.2.1.4", undefined],
    ["1234567890.0.0", undefined],
    ["latest", undefined],
    ["", undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of rows) {
    it(`reads X-App-Version ${JSON.stringify(header)} as ${JSON.stringify(expected)}`, () => {
      expect(parseAppVersion(header)).toBe(expected);
    });
  }
});

describe("parseAcceptLanguage", () => {
  const rows: [string | null, string[]][] = [
    ["de-CH, de;q=0.9", ["de-CH", "de"]],
    ["de;q=0.5, fr-CH, en;q=0.8", ["fr-CH", "en", "de"]],
    ["en, fr", ["en", "fr"]],
    ["fr;q=0.9, en;q=0.9", ["fr", "en"]],
    ["*", []],
    ["de;q=0, en", ["en"]],
    ["de;q=2, en", ["en"]],
    ["de;q=abc, en", ["en"]],
    ["zh-Hant-TW, es-419", ["zh-Hant-TW", "es-419"]],
    ["not a locale, <script>, en", ["en"]],
    ["a,b,c", []],
    ["", []],
    [null, []],
    [
      Array.from({ length: 12 }, (_, i) => `l${String.fromCharCode(97 + i)}`).join(","),
      ["la", "lb", "lc", "ld", "le", "lf", "lg", "lh", "li", "lj"],
    ],
  ];
  for (const [header, expected] of rows) {
    it(`orders Accept-Language ${JSON.stringify(header)} as ${JSON.stringify(expected)}`, () => {
      expect(parseAcceptLanguage(header)).toEqual(expected);
    });
  }
});

describe("parseDeviceProfile", () => {
  it("reads every header the apps send", () => {
    const profile = parseDeviceProfile(
      new Headers({
        "X-Device-Id": "7f3c2a1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
        "X-Platform": "iOS",
        "X-App-Version": "3.2.1",
        "Accept-Language": "de-CH, de;q=0.9",
        "Save-Data": "on",
        ECT: "3G",
        DPR: "3",
        "Viewport-Width": "390",
        "Accept-Encoding": "br, gzip",
      }),
    );
    expect(profile).toEqual({
      deviceId: "7f3c2a1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
      platform: "ios",
      appVersion: "3.2.1",
      locales: ["de-CH", "de"],
      saveData: true,
      ect: "3g",
      dpr: 3,
      viewportWidth: 390,
      acceptEncoding: ["br", "gzip"],
    });
  });

  it("reads the accepted codings from the phone's own Accept-Encoding when the edge rewrote the header", () => {
    const headers = new Headers({ "Accept-Encoding": "br, gzip" });
    expect(parseDeviceProfile(headers, "gzip").acceptEncoding).toEqual(["gzip"]);
    expect(parseDeviceProfile(headers, "").acceptEncoding).toEqual([]);
  });

  it("treats a request without headers as an unknown device with defaults", () => {
    expect(parseDeviceProfile(new Headers())).toEqual({
      deviceId: undefined,
      platform: undefined,
      appVersion: undefined,
      locales: [],
      saveData: false,
      ect: undefined,
      dpr: 1,
      viewportWidth: undefined,
      acceptEncoding: [],
    });
  });

  const ignored: [string, Record<string, string>, Partial<ReturnType<typeof parseDeviceProfile>>][] = [
    ["an unknown platform", { "X-Platform": "windows" }, { platform: undefined }],
    ["a device id with spaces", { "X-Device-Id": "not a device id" }, { deviceId: undefined }],
    ["a too short device id", { "X-Device-Id": "abc" }, { deviceId: undefined }],
    ["a too long device id", { "X-Device-Id": "a".repeat(65) }, { deviceId: undefined }],
    ["an unknown ECT", { ECT: "5g" }, { ect: undefined }],
    ["Save-Data other than on", { "Save-Data": "yes" }, { saveData: false }],
    ["a DPR of zero", { DPR: "0" }, { dpr: 1 }],
    ["a DPR that is not a number", { DPR: "retina" }, { dpr: 1 }],
    ["a huge DPR (clamped)", { DPR: "10" }, { dpr: 4 }],
    ["a tiny DPR (clamped)", { DPR: "0.5" }, { dpr: 1 }],
    ["a huge viewport (clamped)", { "Viewport-Width": "99999" }, { viewportWidth: 3000 }],
    ["a tiny viewport (clamped)", { "Viewport-Width": "10" }, { viewportWidth: 100 }],
    ["a fractional viewport (rounded)", { "Viewport-Width": "390.6" }, { viewportWidth: 391 }],
    ["a negative viewport", { "Viewport-Width": "-5" }, { viewportWidth: undefined }],
  ];
  for (const [what, headers, expected] of ignored) {
    it(`handles ${what} without failing`, () => {
      expect(parseDeviceProfile(new Headers(headers))).toMatchObject(expected);
    });
  }
});
