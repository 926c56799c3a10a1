import { desc, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditLog } from "../db/schema";

export type AuditEntry = typeof auditLog.$inferSelect;
type NewAuditEntry = Omit<typeof auditLog.$inferInsert, "seq">;

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

/** Newest first, `limit` entries older than `before` (a `seq`), for the audit page. */
export async function listAuditEntries(db: Db, limit: number, before?: number): Promise<AuditEntry[]> {
  return db
    .select()
    .from(auditLog)
    .where(before === undefined ? undefined : lt(auditLog.seq, before))
    .orderBy(desc(auditLog.seq))
    .limit(limit);
}
