import type { Db } from "../db/client";
import { insertAuditEntry } from "./queries";

/**
 * The audit log: who changed what, when. Console and admin API write the same entries, so the
 * audit page answers "who rolled out this flag?" whichever door the change came through.
 */

export type AuditAction =
  | "config.replaced"
  | "config.rolled_back"
  | "campaign.created"
  | "campaign.cancelled"
  | "user_session.revoked"
  | "console.signed_in"
  | "console.signed_out"
  | "console.sessions_revoked";

/** The admin API's bearer key (one shared key, so it names no person). */
export const ADMIN_KEY_ACTOR = "admin key";

/** A console session as an actor: a prefix of its id hash (the cookie itself is never logged). */
export const consoleActor = (idHash: string) => `console:${idHash.slice(0, 12)}`;

/** Records one change that has already happened; `details` is small JSON (ids, revisions, reasons). */
export async function audit(
  db: Db,
  actor: string,
  action: AuditAction,
  subject: string | null,
  details: Record<string, unknown> = {},
  now = Date.now(),
): Promise<void> {
  await insertAuditEntry(db, { actor, action, subject, details, createdAt: now });
}
