import { describe, expect, it } from "vitest";
import { ifNoneMatchTags, matchingTag, notModified } from "../../worker/http/conditional";
import { bodyTag, etagOf, representationEtag, withCoding } from "../../worker/http/etag";
import { mergeVary } from "../../worker/http/vary";

describe("withCoding", () => {
  const rows: [string, "br" | "gzip" | "identity", string][] = [
    ['"abc"', "br", '"abc-br"'],
    ['"abc"', "gzip", '"abc-gzip"'],
    ['"abc"', "identity", '"abc"'],
    ['W/"abc"', "br", 'W/"abc-br"'],
    ['"abc-gzip"', "br", '"abc-br"'],
    ["not-a-tag", "br", "not-a-tag"],
  ];
  it.each(rows)("%s with %s → %s", (tag, coding, expected) => {
    expect(withCoding(tag, coding)).toBe(expected);
  });
});

describe("representationEtag", () => {
  const bytes = new TextEncoder().encode('{"a":1}');
  it("suffixes a tag that is the hash of the body being encoded", async () => {
    const tag = await etagOf(bytes);
    expect(await representationEtag(tag, bytes, "br")).toBe(tag.replace(/"$/, '-br"'));
    expect(await representationEtag(`W/${tag}`, bytes, "gzip")).toBe(`W/${tag.replace(/"$/, '-gzip"')}`);
    expect(await representationEtag(tag, bytes, "identity")).toBe(tag);
  });

  it("leaves a tag that means something else (a revision, another body's hash) as the route set it", async () => {
    expect(await representationEtag('"config-r7"', bytes, "br")).toBe('"config-r7"');
    const other = await etagOf('{"a":2}');
    expect(await representationEtag(other, bytes, "br")).toBe(other);
  });
});

describe("bodyTag", () => {
  it.each([
    ['"abc"', "abc"],
    ['"abc-br"', "abc"],
    ['W/"abc-gzip"', "abc"],
    ['"abc-brotli"', "abc-brotli"],
    ["abc", undefined],
  ])("%s → %s", (tag, expected) => {
    expect(bodyTag(tag)).toBe(expected);
  });
});

describe("ifNoneMatchTags", () => {
  const rows: [string | undefined, string[]][] = [
    [undefined, []],
    ["", []],
    ["*", ["*"]],
    ['"a"', ['"a"']],
    ['"a", W/"b" ,"c"', ['"a"', 'W/"b"', '"c"']],
    ['"a,b", "c"', ['"a,b"', '"c"']],
    ['"a",, "b",', ['"a"', '"b"']],
    ["a, b", []],
    ['"a" junk', []],
  ];
  it.each(rows)("%j → %j", (header, expected) => {
    expect(ifNoneMatchTags(header)).toEqual(expected);
  });
});

describe("matchingTag", () => {
  const rows: [string, string | undefined, string, string | undefined][] = [
    ["the same tag", '"abc-br"', '"abc-br"', '"abc-br"'],
    ["a weakened copy", 'W/"abc-br"', '"abc-br"', 'W/"abc-br"'],
    ["another coding of the same body", '"abc-gzip"', '"abc-br"', '"abc-gzip"'],
    ["the plain body's tag", '"abc"', '"abc-br"', '"abc"'],
    ["one of several", '"x", "abc"', '"abc-gzip"', '"abc"'],
    ["a star", "*", '"abc-br"', '"abc-br"'],
    ["a different body", '"abd-br"', '"abc-br"', undefined],
    ["no header", undefined, '"abc"', undefined],
    ["a malformed list", 'abc, "abc"', '"abc"', undefined],
  ];
  it.each(rows)("matches %s", (_name, header, ours, expected) => {
    expect(matchingTag(header, ours)).toBe(expected);
  });
});

describe("notModified", () => {
  it("keeps the validators, caching headers and our diagnostics, and drops what describes a body", async () => {
    const from = new Headers({
      "Content-Type": "application/json",
      "Content-Length": "1234",
      "Content-Encoding": "br",
      "Cache-Control": "private, no-cache",
      Vary: "Accept-Encoding, DPR",
      "X-Request-Id": "r-1234567",
      ETag: '"old"',
    });
    const res = notModified(from, '"abc-br"');
    expect(res.status).toBe(304);
    expect(res.body).toBeNull();
    expect(res.headers.get("ETag")).toBe('"abc-br"');
    expect(res.headers.get("Cache-Control")).toBe("private, no-cache");
    expect(res.headers.get("Vary")).toBe("Accept-Encoding, DPR");
    expect(res.headers.get("X-Request-Id")).toBe("r-1234567");
    expect(res.headers.has("Content-Type")).toBe(false);
    expect(res.headers.has("Content-Length")).toBe(false);
    expect(res.headers.has("Content-Encoding")).toBe(false);
  });
});

describe("mergeVary", () => {
  const rows: [string | null, string[], string][] = [
    [null, ["Accept-Encoding"], "Accept-Encoding"],
    ["DPR, ECT", ["Accept-Encoding"], "DPR, ECT, Accept-Encoding"],
    ["accept-encoding", ["Accept-Encoding"], "accept-encoding"],
    ["DPR,,  ECT ", ["dpr", "Save-Data"], "DPR, ECT, Save-Data"],
    ["*", ["Accept-Encoding"], "*"],
    ["DPR", ["*"], "*"],
    ["", [], ""],
  ];
  it.each(rows)("%j + %j → %j", (existing, add, expected) => {
    expect(mergeVary(existing, add)).toBe(expected);
  });
});
