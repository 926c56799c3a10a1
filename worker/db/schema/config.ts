import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Remote config, one row per admin `PUT /v1/admin/config`. The row with the highest revision is
 * the live config; older rows are kept as an audit trail (they are small and writes are rare).
 * AUTOINCREMENT makes revisions strictly increasing, never reused even after a delete.
 */
export const remoteConfigRevisions = sqliteTable("remote_config_revisions", {
  revision: integer("revision").primaryKey({ autoIncrement: true }),
  /** The validated config document, as JSON. */
  document: text("document").notNull(),
  createdAt: integer("created_at").notNull(),
});
