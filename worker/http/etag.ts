/**
 * Entity tags, one per representation. A route tags the tailored, uncompressed body (`etagOf`,
 * through `respondCacheable`); the compression middleware then appends the content-coding, so the
 * brotli, gzip and plain bytes of one body carry different tags (`"<hash>-br"`), as strong
 * validators must. Revalidation compares the body part only (`bodyTag`): the edge may weaken our
 * tags (`W/`) or hand the client a differently coded copy of the same body, which is still the
 * same content.
 */
import type { ContentCoding } from "./encoding";

const encoder = new TextEncoder();
const TAG = /^(?:W\/)?"([^"]*)"$/;
const CODING_SUFFIX = /-(?:br|gzip)$/;

/**
 * A strong ETag for the exact response bytes: the first 128 bits of their SHA-256, quoted.
 * Two representations that differ in any byte get different tags, so one tag per representation.
 */
export async function etagOf(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (let i = 0; i < 16; i++) hex += (digest[i] ?? 0).toString(16).padStart(2, "0");
  return `"${hex}"`;
}

/** `"abc"` + br → `"abc-br"`; identity keeps the tag as the route made it. Weak tags stay weak. */
export function withCoding(etag: string, coding: ContentCoding): string {
  if (coding === "identity") return etag;
  const m = TAG.exec(etag.trim());
  if (!m) return etag;
  const weak = etag.trim().startsWith("W/") ? "W/" : "";
  return `${weak}"${(m[1] ?? "").replace(CODING_SUFFIX, "")}-${coding}"`;
}

/**
 * The tag for `bytes` sent in `coding`, given the tag the route set. Only a tag that is the hash
 * of exactly these bytes (`etagOf`) names the representation and gets the coding suffix; any
 * other tag means something the route defines (e.g. the admin config's `"config-r7"` revision,
 * which `If-Match` must get back verbatim) and is left alone.
 */
export async function representationEtag(
  routeEtag: string,
  bytes: Uint8Array,
  coding: ContentCoding,
): Promise<string> {
  if (coding === "identity") return routeEtag;
  const ours = bodyTag(routeEtag);
  if (ours === undefined || ours !== bodyTag(await etagOf(bytes))) return routeEtag;
  return withCoding(routeEtag, coding);
}

/** The body part of an entity tag: no `W/`, no quotes, no coding suffix. */
export function bodyTag(etag: string): string | undefined {
  const m = TAG.exec(etag.trim());
  return m ? (m[1] ?? "").replace(CODING_SUFFIX, "") : undefined;
}
