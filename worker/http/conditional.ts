/**
 * Conditional GETs (RFC 9110 §13.1.2): the one If-None-Match parser and the one place a `200`
 * becomes a `304`. Called by the compression middleware once the representation's tag (with its
 * coding) is known; routes never answer 304 themselves.
 */
import { bodyTag } from "./etag";

/** The entity tags in an If-None-Match list, as written (`*` as itself). Malformed lists: none. */
export function ifNoneMatchTags(header: string | null | undefined): string[] {
  const trimmed = header?.trim() ?? "";
  if (trimmed === "") return [];
  if (trimmed === "*") return ["*"];
  const out: string[] = [];
  // Tokenise rather than split on commas: an entity tag may itself contain a comma.
  const member = /[\s,]*((?:W\/)?"[^"]*")\s*(?:,|$)/y;
  while (member.lastIndex < trimmed.length) {
    if (/^[\s,]*$/.test(trimmed.slice(member.lastIndex))) break; // empty list elements are allowed
    const m = member.exec(trimmed);
    if (!m) return [];
    if (m[1]) out.push(m[1]);
  }
  return out;
}

/**
 * The client's tag that matches our representation `etag`, comparing body parts (so `W/` and the
 * coding suffix do not matter: for GET the weak comparison is the one that applies), or
 * undefined. `*` matches any current representation.
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

/**
 * The 304 for a successful GET/HEAD whose representation tag `etag` the client already holds
 * (`If-None-Match`), else undefined: the 200 goes out.
 */
export function notModifiedResponse(
  request: Request,
  status: number,
  headers: Headers,
  etag: string,
): Response | undefined {
  if (status !== 200 || (request.method !== "GET" && request.method !== "HEAD")) return undefined;
  if (!matchingTag(request.headers.get("If-None-Match"), etag)) return undefined;
  return notModified(headers, etag);
}
