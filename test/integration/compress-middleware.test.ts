import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../worker/env";
import { compressResponse } from "../../worker/http/compress";
import { etagOf } from "../../worker/http/etag";
import { deviceProfile } from "../../worker/middleware/device-profile";

// The middleware on its own, in a throwaway app: app.request() hands back the Response object the
// middleware made, so these are exactly the bytes it produced, before any runtime or edge.
const big = {
  items: Array.from({ length: 200 }, (_, i) => ({ id: i, title: `item number ${i}`, done: i % 2 === 0 })),
};
const bigJson = JSON.stringify(big);

const app = new Hono<AppEnv>();
// As in worker/app.ts: the device profile (accepted codings included) is parsed before compression.
app.use(deviceProfile());
app.use(compressResponse());
app.get("/big", async (c) => {
  c.header("ETag", await etagOf(bigJson));
  c.header("Vary", "DPR, ECT");
  c.header("Content-Type", "application/json");
  return c.body(bigJson, 200);
});
app.post("/big", (c) => c.json(big, 201));
app.get("/revision", (c) => {
  c.header("ETag", '"config-r7"');
  return c.json(big, 200);
});
app.get("/encoded", (c) => {
  c.header("Content-Encoding", "gzip");
  c.header("Content-Type", "application/json");
  return c.body(new Uint8Array([1, 2, 3]), 200);
});
app.get("/events", (c) => {
  c.header("Content-Type", "text/event-stream");
  return c.body("data: x\n\n".repeat(500), 200);
});

const get = (path: string, headers: Record<string, string>, method = "GET") =>
  app.request(path, { method, headers });

describe("compressResponse, on its own", () => {
  it("encodes once in the client's preferred coding, merging Vary and suffixing a body-hash ETag", async () => {
    const br = await get("/big", { "Accept-Encoding": "br, gzip" });
    expect(br.headers.get("Content-Encoding")).toBe("br");
    const bytes = new Uint8Array(await br.arrayBuffer());
    expect(Number(br.headers.get("Content-Length"))).toBe(bytes.byteLength);
    expect(JSON.parse(new TextDecoder().decode(brotliDecompressSync(bytes)))).toEqual(big);
    expect(br.headers.get("Vary")).toBe("DPR, ECT, Accept-Encoding");
    expect(br.headers.get("ETag")).toBe((await etagOf(bigJson)).replace(/"$/, '-br"'));

    const gzip = await get("/big", { "Accept-Encoding": "gzip;q=1, br;q=0.5" });
    expect(gzip.headers.get("Content-Encoding")).toBe("gzip");
    const gz = new Uint8Array(await gzip.arrayBuffer());
    expect(JSON.parse(new TextDecoder().decode(gunzipSync(gz)))).toEqual(big);
  });

  it("keeps a non-200 status and encodes its body too", async () => {
    const res = await get("/big", { "Accept-Encoding": "gzip" }, "POST");
    expect(res.status).toBe(201);
    expect(res.headers.get("Content-Encoding")).toBe("gzip");
  });

  it("turns a matching If-None-Match into a bodiless 304 for GET only", async () => {
    const tag = (await etagOf(bigJson)).replace(/"$/, '-br"');
    const hit = await get("/big", { "Accept-Encoding": "br", "If-None-Match": tag });
    expect(hit.status).toBe(304);
    expect(hit.body).toBeNull();
    expect(hit.headers.get("ETag")).toBe(tag);
    expect(hit.headers.has("Content-Encoding")).toBe(false);
    const post = await get("/big", { "Accept-Encoding": "br", "If-None-Match": tag }, "POST");
    expect(post.status).toBe(201);
  });

  it("leaves a route-defined tag (not a hash of the body) exactly as the route set it", async () => {
    const res = await get("/revision", { "Accept-Encoding": "br" });
    expect(res.headers.get("Content-Encoding")).toBe("br");
    expect(res.headers.get("ETag")).toBe('"config-r7"');
  });

  it("never touches an already-encoded body or an event stream", async () => {
    const encoded = await get("/encoded", { "Accept-Encoding": "br" });
    expect(encoded.headers.get("Content-Encoding")).toBe("gzip");
    expect([...new Uint8Array(await encoded.arrayBuffer())]).toEqual([1, 2, 3]);
    const events = await get("/events", { "Accept-Encoding": "br" });
    expect(events.headers.has("Content-Encoding")).toBe(false);
    expect((await events.text()).startsWith("data: x")).toBe(true);
  });
});
