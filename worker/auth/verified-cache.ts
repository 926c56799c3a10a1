/**
 * Verified access tokens, remembered per isolate until they expire, so an app making many calls
 * with one token pays for one ECDSA verification rather than one per request.
 *
 * Safe because the lookup key is the *entire* token string, signature included: a hit means
 * these exact bytes already passed every check. Expiry is re-checked on every hit. Revocation is
 * not cached here — `authenticateToken()` still asks the session cache each time. Entries are
 * kept per configuration scope (signing keys, issuer, audience), so Workers with different keys
 * sharing an isolate (as in tests) never see each other's tokens; a deploy starts new isolates.
 */
import type { VerifiedAccessToken } from "./jwt";

const MAX_ENTRIES_PER_SCOPE = 5_000;
const scopes = new Map<string, Map<string, VerifiedAccessToken>>();

export function getVerified(
  scope: string,
  token: string,
  nowSeconds: number,
): VerifiedAccessToken | undefined {
  const entries = scopes.get(scope);
  const hit = entries?.get(token);
  if (!entries || !hit) return undefined;
  if (hit.exp <= nowSeconds) {
    entries.delete(token);
    return undefined;
  }
  return hit;
}

export function rememberVerified(scope: string, token: string, claims: VerifiedAccessToken): void {
  let entries = scopes.get(scope);
  if (!entries) {
    entries = new Map();
    scopes.set(scope, entries);
  }
  if (entries.size >= MAX_ENTRIES_PER_SCOPE) {
    // Maps iterate in insertion order: dropping the first entry evicts the oldest.
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  entries.set(token, claims);
}
