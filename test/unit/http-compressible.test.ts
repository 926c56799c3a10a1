import { describe, expect, it } from "vitest";
import { isCompressible } from "../../worker/http/compress";

const json = (init: ResponseInit & { body?: string | null } = {}) =>
  new Response(init.body === undefined ? '{"a":1}' : init.body, {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json", ...(init.headers as Record<string, string>) },
  });

describe("isCompressible", () => {
  const rows: [string, Response, boolean][] = [
    ["a JSON 200", json(), true],
    ["problem+json", json({ status: 400, headers: { "Content-Type": "application/problem+json" } }), true],
    ["JSON with a charset", json({ headers: { "Content-Type": "application/json; charset=utf-8" } }), true],
    ["a vendor +json type", json({ headers: { "Content-Type": "application/vnd.api+json" } }), true],
    ["a 201", json({ status: 201 }), true],
    ["a 204", new Response(null, { status: 204 }), false],
    ["a 304", new Response(null, { status: 304, headers: { "Content-Type": "application/json" } }), false],
    ["an event stream", json({ headers: { "Content-Type": "text/event-stream" } }), false],
    ["HTML", json({ headers: { "Content-Type": "text/html" } }), false],
    ["no content type", new Response("{}"), false],
    ["already encoded", json({ headers: { "Content-Encoding": "gzip" } }), false],
    ["no-transform", json({ headers: { "Cache-Control": "private, no-transform" } }), false],
    ["a JSON lookalike", json({ headers: { "Content-Type": "application/jsonp" } }), false],
  ];
  it.each(rows)("%s → %s", (_name, res, expected) => {
    expect(isCompressible(res)).toBe(expected);
  });
});
