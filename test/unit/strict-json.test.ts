import { describe, expect, it } from "vitest";
import { findDuplicateKey, parseStrictJson } from "../../worker/lib/strict-json";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("findDuplicateKey", () => {
  it.each([
    ['{"a":1,"b":2}', null],
    ['{"a":1,"a":2}', "a"],
    ['{"a":{"b":1},"c":{"b":2}}', null], // same key in sibling objects is fine
    ['{"a":{"b":1,"b":2}}', "b"],
    ['[{"a":1},{"a":2}]', null],
    ['[{"a":1,"a":2}]', "a"],
    ['{"a":"x,\\"a\\":1"}', null], // a key inside a string value is not a key
    ['{"a":1,"\\u0061":2}', "a"], // escapes are decoded before comparing
    ['{"a":[1,{"a":2}],"b":3}', null],
    ['{"":1,"":2}', ""],
    ['"just a string"', null],
  ])("%s → %s", (text, expected) => {
    expect(findDuplicateKey(text)).toBe(expected);
  });
});

describe("parseStrictJson", () => {
  it("parses valid UTF-8 JSON", () => {
    expect(parseStrictJson(bytes('{"title":"Grüße ✓"}'))).toEqual({ title: "Grüße ✓" });
  });

  it.each([
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ["a lone continuation byte", new Uint8Array([0x22, 0x80, 0x22])],
    ["malformed JSON", bytes('{"a":')],
    ["a duplicate key", bytes('{"a":1,"a":1}')],
  ])("refuses %s with invalid_json", (_name, input) => {
    expect(() => parseStrictJson(input)).toThrow(
      expect.objectContaining({ code: "invalid_json", status: 400 }),
    );
  });
});
