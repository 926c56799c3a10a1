/**
 * Sessions as the routes see them: start one (tokens out), refresh it, end it. Every revocation
 * goes through `endSession`, which also updates this isolate's revocation cache at once.
 */
import { attemptRefresh } from "./queries/refresh-tokens";
import { insertSessionStatements, revokeSession, type RevokeReason } from "./queries/sessions";
import type { UserRow } from "./queries/users";
import { ApiError } from "../errors";
import { signAccessToken } from "./jwt";
import {
  REFRESH_GRACE_MS,
  REFRESH_TOKEN_TTL_MS,
  classifyRefresh,
  generateRefreshToken,
  hashRefreshToken,
} from "./refresh";
import { markSessionLive, markSessionRevoked } from "./session-cache";
import type { D1Like } from "../db/client";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface DeviceInfo {
  deviceId: string | null;
  platform: string | null;
}

/**
 * Starts a session for `user` on a device. `before` are statements that must commit with it
 * (e.g. creating the anonymous user): one D1 batch, one round trip. `d1` is the request's session.
 */
export async function startSession(
  env: Env,
  d1: D1Like,
  user: UserRow,
  device: DeviceInfo,
  before: D1PreparedStatement[] = [],
): Promise<TokenPair> {
  const now = Date.now();
  const sessionId = crypto.randomUUID();
  const refreshToken = generateRefreshToken();
  const [hash, signed] = await Promise.all([
    hashRefreshToken(refreshToken),
    signAccessToken(env, { sub: user.id, sid: sessionId, anon: user.anonymous }),
  ]);
  await d1.batch([
    ...before,
    ...insertSessionStatements(
      d1,
      { id: sessionId, userId: user.id, ...device },
      hash,
      now,
      now + REFRESH_TOKEN_TTL_MS,
    ),
  ]);
  markSessionLive(sessionId, now);
  return { accessToken: signed.token, refreshToken, expiresIn: signed.expiresIn };
}

/**
 * `POST /v1/auth/refresh`: rotates the token (or, within the grace window, re-issues for the
 * immediately previous one). Reuse revokes the session. See refresh.ts for the model and
 * attemptRefresh for the atomic statement sequence.
 */
export async function refreshSession(env: Env, d1: D1Like, presented: string): Promise<TokenPair> {
  const now = Date.now();
  const next = generateRefreshToken();
  const [hash, nextHash] = await Promise.all([hashRefreshToken(presented), hashRefreshToken(next)]);
  const attempt = await attemptRefresh(d1, hash, nextHash, now, REFRESH_GRACE_MS, REFRESH_TOKEN_TTL_MS);
  if (attempt.minted) {
    const { sessionId, userId, anonymous } = attempt.minted;
    markSessionLive(sessionId, now);
    const signed = await signAccessToken(env, { sub: userId, sid: sessionId, anon: anonymous });
    return { accessToken: signed.token, refreshToken: next, expiresIn: signed.expiresIn };
  }
  // Nothing was minted, so nothing changed: the state read back is the state we were refused on.
  if (attempt.state && classifyRefresh(attempt.state, now, REFRESH_GRACE_MS) === "reuse") {
    await endSession(d1, attempt.state.sessionId, "reuse");
    // A security event worth an alert: a stolen token, or a client that keeps spent tokens.
    console.warn(
      JSON.stringify({ level: "warn", event: "refresh_token_reused", sessionId: attempt.state.sessionId }),
    );
    throw new ApiError(
      401,
      "refresh_token_reused",
      "This refresh token was already used; the session is revoked",
    );
  }
  throw new ApiError(401, "invalid_refresh_token", "The refresh token is unknown, expired or revoked");
}

/**
 * Revokes a session (and with `userId`, only that user's). Returns whether it was live.
 * This isolate stops accepting the session's access tokens at once; others within the
 * session cache's staleness bound.
 */
export async function endSession(
  d1: D1Like,
  sessionId: string,
  reason: RevokeReason,
  userId?: string,
): Promise<boolean> {
  const now = Date.now();
  const revoked = await revokeSession(d1, sessionId, reason, now, userId);
  if (revoked || !userId) markSessionRevoked(sessionId, now);
  return revoked;
}
