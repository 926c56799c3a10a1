import type { Context } from "hono";
import type { AppEnv } from "../env";
import { sha256Hex } from "../lib/sha256";
import {
  type ConsoleSession,
  findLiveConsoleSession,
  insertConsoleSession,
  revokeConsoleSession,
} from "./queries/sessions";

/**
 * Console sessions: the admin key is exchanged once for a random id in an HttpOnly cookie. The
 * `__Host-` prefix makes the browser refuse the cookie unless it is Secure, host-only and Path=/,
 * so no subdomain or plain-http page can plant or read it; SameSite=Strict keeps it off every
 * cross-site request. D1 holds only the id's SHA-256.
 */

export const COOKIE = "__Host-outpost_console";
/** A working day; signing in again costs one paste of the key. */
export const SESSION_TTL_MS = 8 * 3_600_000;

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function cookieHeader(value: string, maxAgeSeconds: number): string {
  return `${COOKIE}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}

function cookieValue(c: Context<AppEnv>): string | undefined {
  const header = c.req.header("Cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === COOKIE) return rest.join("=");
  }
  return undefined;
}

/** Starts a session, sets its cookie on `c` and returns the id's hash (the audit log's name for it). */
export async function startConsoleSession(c: Context<AppEnv>, now: number): Promise<string> {
  const id = randomToken();
  const idHash = await sha256Hex(id);
  await insertConsoleSession(c.var.db, {
    idHash,
    csrfToken: randomToken(),
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
    revokedAt: null,
    ip: c.req.header("CF-Connecting-IP") ?? null,
  });
  c.header("Set-Cookie", cookieHeader(id, SESSION_TTL_MS / 1000));
  return idHash;
}

/** The live session the request's cookie names, if any. */
export async function currentConsoleSession(
  c: Context<AppEnv>,
  now: number,
): Promise<ConsoleSession | undefined> {
  const id = cookieValue(c);
  // Our ids are 43 base64url characters; anything else is not worth a D1 read.
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  return findLiveConsoleSession(c.var.db, await sha256Hex(id), now);
}

/** Revokes the session and clears its cookie. */
export async function endConsoleSession(
  c: Context<AppEnv>,
  session: ConsoleSession,
  now: number,
): Promise<void> {
  await revokeConsoleSession(c.var.db, session.idHash, now);
  clearConsoleCookie(c);
}

export function clearConsoleCookie(c: Context<AppEnv>): void {
  c.header("Set-Cookie", cookieHeader("", 0));
}
