import { describe, expect, it } from "vitest";
import { matchingTag } from "../../worker/http/conditional";
import { etagOf } from "../../worker/http/etag";

describe("etagOf", () => {
  it("is a strong, quoted tag of 32 hex digits", async () => {
    expect(await etagOf("{}")).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it("is the SHA-256 prefix of the bytes, the same for a string and its UTF-8 bytes", async () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(await etagOf("abc")).toBe('"ba7816bf8f01cfea414140de5dae2223"');
    expect(await etagOf(new TextEncoder().encode("größe"))).toBe(await etagOf("größe"));
  });

  it("changes with any byte of the body", async () => {
    expect(await etagOf('{"a":1}')).not.toBe(await etagOf('{"a":2}'));
    expect(await etagOf('{"a":1}')).not.toBe(await etagOf('{"a":1} '));
  });
});

// The one If-None-Match parser, read as yes/no: does the client hold our representation?
const matchesIfNoneMatch = (header: string | undefined, etag: string) =>
  matchingTag(header, etag) !== undefined;

describe("If-None-Match against one of our tags", () => {
  const tag = '"abc123"';
  const rows: [string | undefined, boolean][] = [
    [undefined, false],
    ["", false],
    ['"abc123"', true],
    ['W/"abc123"', true],
    ['"other"', false],
    ['"other", "abc123"', true],
    ['"other",W/"abc123"', true],
    ['  "abc123"  ', true],
    ['"a", , "abc123",', true],
    ["*", true],
    [" * ", true],
    ["abc123", false],
    ['"abc123', false],
    ['w/"abc123"', false],
    ['"abc"123"', false],
    ['"other", junk, "abc123"', false],
    ['"abc1234"', false],
    ['"ABC123"', false],
  ];
  for (const [header, expected] of rows) {
    it(`${expected ? "matches" : "does not match"} If-None-Match ${JSON.stringify(header)}`, () => {
      expect(matchesIfNoneMatch(header, tag)).toBe(expected);
    });
  }

  it("accepts a weak tag of ours on the server side too", () => {
    expect(matchesIfNoneMatch('"x"', 'W/"x"')).toBe(true);
  });
});
