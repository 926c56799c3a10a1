// Tables for the push domain (filled in by its work).
export {};

// --- Silent sync pushes (push-providers work) ---------------------------------------------------
import { integer as spInteger, sqliteTable as spTable, text as spText } from "drizzle-orm/sqlite-core";

/**
 * When each device last got a silent sync push. Apple throttles background pushes beyond two or
 * three an hour, so the sender claims a slot here (at most one per device per 20 minutes) before
 * sending; a claim is an atomic upsert, so concurrent senders never both win.
 */
export const silentPushLog = spTable("silent_push_log", {
  deviceId: spText("device_id").primaryKey(),
  lastSentAt: spInteger("last_sent_at").notNull(),
});
