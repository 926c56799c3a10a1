/**
 * Refresh tokens: opaque, 256 random bits (base64url), stored only as SHA-256 hashes, single-use
 * and rotating, with a short retry grace. The model, per session ("family"):
 *
 * - The session has a current generation g. Tokens of generation g that are unused are live.
 * - Spending a live token moves the session to g+1 and mints one token of g+1.
 * - Re-presenting the *immediately previous* token (the generation g-1 token whose use moved
 *   the session to g) within `REFRESH_GRACE_MS` of its use is a retry: it mints another token
 *   of generation g — a sibling — and revokes nothing. The phone that lost a response, or raced
 *   itself, ends up with a working token whichever response it kept. Siblings are not
 *   independent chains: the first one spent moves the session on, and every other sibling
 *   becomes an older generation.
 * - Anything else that is known but not live (a spent token outside the grace, a sibling that
 *   lost, any older generation) is reuse: the whole session is revoked — its refresh tokens and,
 *   through `sid`, its access tokens — and the caller gets `refresh_token_reused`.
 * - Unknown, expired (the session's sliding expiry passed) or revoked: `invalid_refresh_token`.
 */

/** Sliding lifetime of a session: each refresh pushes its expiry this far out. */
export const REFRESH_TOKEN_TTL_MS = 60 * 24 * 60 * 60 * 1000;

/** The contract's retry window for the immediately previous refresh token. */
export const REFRESH_GRACE_MS = 10_000;

/** A new opaque refresh token: 32 random bytes, base64url (43 characters). */
export function generateRefreshToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return base64url(bytes);
}

/** SHA-256 of the token, hex: what D1 stores and looks up. */
export async function hashRefreshToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** What D1 knows about a presented token and its session (null: unknown token). */
export interface RefreshTokenState {
  generation: number;
  usedAt: number | null;
  sessionGeneration: number;
  sessionRevokedAt: number | null;
  sessionExpiresAt: number;
}

type RefreshVerdict = "rotate" | "retry" | "reuse" | "invalid";

/** The decision for a presented refresh token, given its state before any change (pure). */
export function classifyRefresh(
  state: RefreshTokenState | null,
  now: number,
  graceMs: number,
): RefreshVerdict {
  if (!state || state.sessionRevokedAt !== null || state.sessionExpiresAt <= now) return "invalid";
  if (state.usedAt === null && state.generation === state.sessionGeneration) return "rotate";
  if (
    state.usedAt !== null &&
    state.generation === state.sessionGeneration - 1 &&
    now - state.usedAt <= graceMs
  ) {
    return "retry";
  }
  return "reuse";
}
