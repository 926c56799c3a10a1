import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { acceptedCodings, chooseEncoding } from "../tailor/decisions";
import { encodeBody } from "../tailor/encode";
import { parseDeviceProfile } from "../tailor/profile";
import { addVary } from "../tailor/vary";
import { matchingTag, notModified, representationEtag } from "./etag";

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;|$)/i;
// No body, or a body that must not be buffered or touched.
const BODYLESS = new Set([101, 204, 205, 304]);

/** A JSON response we may buffer and encode: not already encoded, not a stream, no opt-out. */
export function isCompressible(res: Response): boolean {
  if (res.body === null || BODYLESS.has(res.status) || res.status < 200) return false;
  if (res.headers.has("Content-Encoding")) return false;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get("Cache-Control") ?? "")) return false;
  return JSON_TYPE.test(res.headers.get("Content-Type") ?? "");
}

/**
 * What the phone itself accepts. Cloudflare's front line rewrites every request's Accept-Encoding
 * to `br, gzip` before the Worker sees it and keeps the client's own header in
 * `cf.clientAcceptEncoding` (miniflare does the same locally), so that is the one to honour:
 * answering a gzip-only phone in gzip spares the edge a decode and re-encode.
 */
export function clientAcceptEncoding(request: Request): string | null {
  const cf = request.cf as { clientAcceptEncoding?: unknown } | undefined;
  if (typeof cf?.clientAcceptEncoding === "string") return cf.clientAcceptEncoding;
  return request.headers.get("Accept-Encoding");
}

/**
 * Picks the encoding per device profile and encodes exactly once, itself, with
 * `encodeBody: "manual"` so workerd sends the bytes as they are (with "automatic", a body we had
 * encoded would be encoded a second time). Only codings the client accepts are chosen, so nothing
 * downstream needs to re-encode. Also where representation ETags get their coding suffix and where
 * an unchanged representation becomes `304`.
 */
export function compressResponse(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    const ifNoneMatch = c.req.header("If-None-Match");

    if (res.status === 304) {
      // A route answered 304 itself, tagging the body only: echo the tag the client holds, which
      // names the same body in the coding the client actually got.
      const headers = new Headers(res.headers);
      const etag = headers.get("ETag");
      const held = etag ? matchingTag(ifNoneMatch, etag) : undefined;
      if (held && held !== "*") headers.set("ETag", held.replace(/^W\//, ""));
      addVary(headers, "Accept-Encoding");
      c.res = undefined;
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    if (!isCompressible(res)) return;

    const bytes = new Uint8Array(await res.arrayBuffer());
    const profile = c.get("profile") ?? parseDeviceProfile(c.req.raw.headers);
    const choice = chooseEncoding(
      profile,
      acceptedCodings(clientAcceptEncoding(c.req.raw)),
      bytes.byteLength,
    );
    const headers = new Headers(res.headers);
    addVary(headers, "Accept-Encoding");

    const routeEtag = headers.get("ETag");
    if (routeEtag) {
      const etag = await representationEtag(routeEtag, bytes, choice.coding);
      headers.set("ETag", etag);
      const method = c.req.method;
      if (res.status === 200 && (method === "GET" || method === "HEAD") && matchingTag(ifNoneMatch, etag)) {
        c.res = undefined; // replace, not merge: Hono would otherwise copy the 200's headers over
        c.res = notModified(headers, etag);
        return;
      }
    }

    const body = encodeBody(bytes, choice);
    if (choice.coding === "identity") headers.delete("Content-Encoding");
    else headers.set("Content-Encoding", choice.coding);
    headers.set("Content-Length", String(body.byteLength));
    c.res = undefined;
    c.res = new Response(body, {
      status: res.status,
      statusText: res.statusText,
      headers,
      encodeBody: "manual",
    });
  };
}
