import { KEYS } from "../keys.js";
import type { OutpostStorage } from "../storage/types.js";

export interface User {
  id: string;
  email?: string;
  anonymous: boolean;
}

/** What a sign-in leaves in storage. `expiresAt` is the device's clock at receipt + expiresIn. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  user: User;
}

export function toUser(u: { id: string; email?: string | null; anonymous: boolean }): User {
  return u.email
    ? { id: u.id, email: u.email, anonymous: u.anonymous }
    : { id: u.id, anonymous: u.anonymous };
}

export async function readSession(storage: OutpostStorage): Promise<Session | null> {
  const raw = await storage.get(KEYS.session);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    return typeof s.refreshToken === "string" && s.user ? s : null;
  } catch {
    return null;
  }
}
