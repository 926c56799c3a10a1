import { sha256Hex } from "../lib/sha256";

/**
 * The send-time ownership check of the contract (Devices, "Ownership", v1.1): a push goes out
 * only if the device still belongs to the user it was planned for, still holds the token it was
 * planned with, and was not unlinked by that user signing out on it. Anything else is withheld
 * (recorded, never sent): between planning and sending — hours for a local-time campaign, more
 * with queue retries — the phone may have been handed to someone else.
 */

export type WithheldReason = "owner_changed" | "token_changed" | "unlinked";

/**
 * What the ledger keeps of a planned token: 128 bits of its SHA-256, enough to tell tokens
 * apart, without copying a push credential into a table kept for statistics.
 */
export async function tokenFingerprint(token: string): Promise<string> {
  return (await sha256Hex(token)).slice(0, 32);
}

interface Planned {
  userId: string;
  /** Null on rows planned before fingerprints were kept: only the owner is compared. */
  tokenHash: string | null;
}

interface Current {
  userId: string;
  unlinkedAt: number | null;
  tokenHash: string;
}

/** Why a planned push must not go to the device as it is now, or null to send it. Pure. */
export function withheldReason(planned: Planned, current: Current): WithheldReason | null {
  if (current.userId !== planned.userId) return "owner_changed";
  if (current.unlinkedAt !== null) return "unlinked";
  if (planned.tokenHash !== null && planned.tokenHash !== current.tokenHash) return "token_changed";
  return null;
}
