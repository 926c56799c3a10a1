import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { notModifiedResponse } from "./conditional";
import { chooseEncoding, encodeBody } from "./encoding";
import { representationEtag } from "./etag";
import { addVary } from "./vary";

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
 * Every JSON response's way out: picks the encoding from the device profile (mounted before this,
 * so the phone's accepted codings are parsed once) and encodes exactly once, itself, with
 * `encodeBody: "manual"` so workerd sends the bytes as they are (with "automatic", a body we had
 * encoded would be encoded a second time). Only codings the client accepts are chosen, so nothing
 * downstream needs to re-encode; a body left plain is one the client asked to get plain (or one
 * under 1 KB). Also the one place a route's body tag gets its coding suffix and an unchanged
 * representation becomes `304` (routes tag their bodies with `respondCacheable`).
 */
export function compressResponse(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (!isCompressible(res)) return;

    const bytes = new Uint8Array(await res.arrayBuffer());
    const profile = c.get("profile");
    const choice = chooseEncoding(profile, profile.acceptEncoding, bytes.byteLength);
    const headers = new Headers(res.headers);
    addVary(headers, "Accept-Encoding");

    const routeEtag = headers.get("ETag");
    if (routeEtag) {
      const etag = await representationEtag(routeEtag, bytes, choice.coding);
      headers.set("ETag", etag);
      const notModified = notModifiedResponse(c.req.raw, res.status, headers, etag);
      if (notModified) {
        c.res = undefined; // replace, not merge: Hono would otherwise copy the 200's headers over
        c.res = notModified;
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
