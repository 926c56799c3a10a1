const encoder = new TextEncoder();

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

/**
 * `If-None-Match` as RFC 9110 §13.1.2 says: `*` matches any current representation, otherwise a
 * comma-separated list of entity tags compared weakly (a client's `W/"x"` matches our `"x"`: for
 * GET the weak comparison is the one that applies). A malformed list matches nothing.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const trimmed = header.trim();
  if (trimmed === "") return false;
  if (trimmed === "*") return true;
  const ours = /^(?:W\/)?"([^"]*)"$/.exec(etag.trim())?.[1];
  if (ours === undefined) return false;
  // Tokenise rather than split on commas: an entity tag may itself contain a comma.
  const member = /[\s,]*(?:W\/)?"([^"]*)"[\s]*(?:,|$)/y;
  let matched = false;
  while (member.lastIndex < trimmed.length) {
    if (/^[\s,]*$/.test(trimmed.slice(member.lastIndex))) break; // empty list elements are allowed
    const m = member.exec(trimmed);
    if (!m) return false;
    if (m[1] === ours) matched = true;
  }
  return matched;
}
