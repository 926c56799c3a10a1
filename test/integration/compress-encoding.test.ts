import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { call } from "../setup/http";
import { home, userWithTasks } from "./screens-fixtures";

// Inside the pool the Worker's response reaches the test through workerd, which decodes a coded
// body for the caller (as a phone's HTTP stack does) but keeps the headers. So: the body must parse
// as JSON after that single decode (encoded exactly once), and Content-Length must be the length
// node:zlib gives for that JSON at the chosen level (the bytes that left were ours, not re-encoded).
const brotli = (text: string, quality: number) =>
  brotliCompressSync(new TextEncoder().encode(text), {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: new TextEncoder().encode(text).byteLength,
    },
  }).byteLength;
const gzip = (text: string) => gzipSync(new TextEncoder().encode(text), { level: 6 }).byteLength;
const bytes = (text: string) => new TextEncoder().encode(text).byteLength;

const withImages = (i: number) => ({
  imageUrl: `https://images.example.com/u/${i}.jpg`,
  tags: ["home", "errand"],
  dueAt: 1767225600000 + i,
});

describe("compression of JSON responses", () => {
  it("sends brotli at quality 5 to a fast phone that accepts it, encoded exactly once", async () => {
    const u = await userWithTasks(30, withImages);
    const res = await home(u.accessToken, { "Accept-Encoding": "br, gzip", ECT: "4g" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Encoding")).toBe("br");
    const text = await res.text();
    expect((JSON.parse(text) as { recent: unknown[] }).recent).toHaveLength(30);
    expect(bytes(text)).toBeGreaterThan(2048);
    expect(Number(res.headers.get("Content-Length"))).toBe(brotli(text, 5));
    expect(Number(res.headers.get("Content-Length"))).toBeLessThan(bytes(text) / 2);
  });

  it("spends brotli's best quality on a small body for a Save-Data phone", async () => {
    const u = await userWithTasks(30, withImages);
    const res = await home(u.accessToken, { "Accept-Encoding": "br, gzip", "Save-Data": "on" });
    expect(res.headers.get("Content-Encoding")).toBe("br");
    const text = await res.text();
    expect(bytes(text)).toBeLessThanOrEqual(8 * 1024);
    expect(Number(res.headers.get("Content-Length"))).toBe(brotli(text, 11));
  });

  it.each([["gzip"], ["gzip, deflate"], ["br;q=0, gzip"], ["x-gzip"]])(
    "sends gzip to a client whose Accept-Encoding is %j",
    async (acceptEncoding) => {
      const u = await userWithTasks(30, withImages);
      const res = await home(u.accessToken, { "Accept-Encoding": acceptEncoding });
      expect(res.headers.get("Content-Encoding")).toBe("gzip");
      const text = await res.text();
      expect((JSON.parse(text) as { recent: unknown[] }).recent).toHaveLength(30);
      expect(Number(res.headers.get("Content-Length"))).toBe(gzip(text));
    },
  );

  it.each([["identity"], [""], ["deflate"], ["br;q=0, gzip;q=0"]])(
    "sends plain JSON to a client whose Accept-Encoding is %j",
    async (acceptEncoding) => {
      const u = await userWithTasks(30, withImages);
      const res = await home(u.accessToken, acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {});
      expect(res.headers.has("Content-Encoding")).toBe(false);
      const text = await res.text();
      expect((JSON.parse(text) as { recent: unknown[] }).recent).toHaveLength(30);
      expect(Number(res.headers.get("Content-Length"))).toBe(bytes(text));
      expect(res.headers.get("Vary")).toContain("Accept-Encoding");
    },
  );

  it("honours the phone's own Accept-Encoding that the front line keeps in cf.clientAcceptEncoding", async () => {
    const u = await userWithTasks(30, withImages);
    // What Cloudflare hands the Worker for a gzip-only phone: the header rewritten, the original in cf.
    const res = await call("/v1/screens/home", {
      token: u.accessToken,
      headers: { "Accept-Encoding": "br, gzip" },
      cf: { clientAcceptEncoding: "gzip" },
    });
    expect(res.headers.get("Content-Encoding")).toBe("gzip");
    expect(Number(res.headers.get("Content-Length"))).toBe(gzip(await res.text()));
    const none = await call("/v1/screens/home", {
      token: u.accessToken,
      headers: { "Accept-Encoding": "br, gzip" },
      cf: { clientAcceptEncoding: "" },
    });
    expect(none.headers.has("Content-Encoding")).toBe(false);
  });

  it("sends a body under 1 KB plain even to a client that accepts brotli", async () => {
    const res = await call("/healthz", { headers: { "Accept-Encoding": "br, gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.has("Content-Encoding")).toBe(false);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ok: true });
    expect(Number(res.headers.get("Content-Length"))).toBe(bytes(text));
  });

  it("passes problem+json through intact, with its type and request id", async () => {
    const res = await call("/v1/screens/home?fields=nope", { headers: { "Accept-Encoding": "br" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = await res.json<{ code: string; requestId: string }>();
    expect(problem.code).toBe("unauthorized");
    expect(problem.requestId).toBe(res.headers.get("X-Request-Id"));
    expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
  });

  it("answers HEAD with the headers of the coded GET and no body", async () => {
    const u = await userWithTasks(30, withImages);
    const get = await home(u.accessToken, { "Accept-Encoding": "br" });
    const text = await get.text();
    const head = await call("/v1/screens/home", {
      method: "HEAD",
      token: u.accessToken,
      headers: { "Accept-Encoding": "br" },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Encoding")).toBe("br");
    expect(head.headers.get("ETag")).toBe(get.headers.get("ETag"));
    expect(await head.text()).toBe("");
    expect(text.length).toBeGreaterThan(0);
  });

  it("leaves non-JSON responses alone", async () => {
    const res = await call("/docs", { headers: { "Accept-Encoding": "br" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.has("Content-Encoding")).toBe(false);
    expect(await res.text()).toContain("<html");
  });
});

describe("/v1/config behind the compression middleware", () => {
  it("still answers 304 to its own ETag, and 200 with the same tag otherwise", async () => {
    const headers = { "X-Platform": "ios", "X-App-Version": "3.2.0", "Accept-Encoding": "br, gzip" };
    const first = await call("/v1/config", { headers });
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]+(-br|-gzip)?"$/);
    expect(first.headers.get("Vary")).toContain("Accept-Encoding");
    expect(first.headers.get("Vary")).toContain("X-Platform");
    await first.json();

    const repeat = await call("/v1/config", { headers: { ...headers, "If-None-Match": etag ?? "" } });
    expect(repeat.status).toBe(304);
    expect(await repeat.text()).toBe("");
    expect(repeat.headers.get("ETag")).toBe(etag);

    // The edge may weaken the tag or hand the phone another coding of the same body.
    const recoded = `W/${(etag ?? "").replace(/(-br|-gzip)?"$/, '-gzip"')}`;
    const edge = await call("/v1/config", { headers: { ...headers, "If-None-Match": recoded } });
    expect(edge.status).toBe(304);
    expect(edge.headers.get("Vary")).toContain("Accept-Encoding");

    const stale = await call("/v1/config", { headers: { ...headers, "If-None-Match": '"0000"' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get("ETag")).toBe(etag);
  });
});
