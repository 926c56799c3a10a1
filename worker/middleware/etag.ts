/**
 * ETags per representation. A route tags the tailored, uncompressed body (`etagOf` from
 * lib/etag); the compression middleware then appends the content-coding, so the brotli, gzip and
 * plain bytes of one body carry different tags (`"<hash>-br"`), as strong validators must.
 * Revalidation compares the body part only: the edge may weaken our tags (`W/`) or hand the
 * client a differently coded copy of the same body, which is still the same content.
 */
import { etagOf } from "../lib/etag";
import type { ContentCoding } from "../tailor/decisions";

const TAG = /^(?:W\/)?"([^"]*)"$/;
const CODING_SUFFIX = /-(?:br|gzip)$/;

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

/** The entity tags in an If-None-Match list, as written (`*` as itself). Malformed lists: none. */
export function ifNoneMatchTags(header: string | null | undefined): string[] {
  const trimmed = header?.trim() ?? "";
  if (trimmed === "") return [];
  if (trimmed === "*") return ["*"];
  const out: string[] = [];
  // Tokenise rather than split on commas: an entity tag may itself contain a comma.
  const member = /[\s,]*((?:W\/)?"[^"]*")\s*(?:,|$)/y;
  while (member.lastIndex < trimmed.length) {
    if (/^[\s,]*$/.test(trimmed.slice(member.lastIndex))) break;
    const m = member.exec(trimmed);
    if (!m) return [];
    if (m[1]) out.push(m[1]);
  }
  return out;
}

/**
 * The client's tag that matches our representation `etag`, comparing body parts (so `W/` and the
 * coding suffix do not matter), or undefined. `*` matches any current representation.
 */
export function matchingTag(header: string | null | undefined, etag: string): string | undefined {
  const ours = bodyTag(etag);
  if (ours === undefined) return undefined;
  for (const tag of ifNoneMatchTags(header)) {
    if (tag === "*") return etag;
    if (bodyTag(tag) === ours) return tag;
  }
  return undefined;
}

/** Headers a 304 keeps from the 200 it stands for (RFC 9110 §15.4.5); the rest describe a body. */
const NOT_MODIFIED_HEADERS = ["cache-control", "content-location", "date", "etag", "expires", "vary"];

export function notModified(from: Headers, etag: string): Response {
  const headers = new Headers();
  for (const name of NOT_MODIFIED_HEADERS) {
    const value = from.get(name);
    if (value !== null) headers.set(name, value);
  }
  for (const [name, value] of from) {
    // Our own diagnostics (request id, timings) are useful on a 304 too.
    if (name.startsWith("x-") || name === "server-timing") headers.set(name, value);
  }
  headers.set("ETag", etag);
  return new Response(null, { status: 304, headers });
}
