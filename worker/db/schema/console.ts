import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A console sign-in (the admin key exchanged once for a cookie). Only the SHA-256 of the cookie's
 * random id is stored, so a copy of the database signs nobody in. `csrfToken` is the synchronizer
 * token every state-changing form of this session must echo. Revoked rows stay (the audit log
 * names sessions by `idHash`).
 */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    csrfToken: text("csrf_token").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    /** The client address it signed in from (for the audit page; never used to authorise). */
    ip: text("ip"),
  },
  (t) => [index("console_sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Who changed what, when: console sessions (by the first characters of their id hash) and the
 * admin API ("admin key"). Append-only; `details` is JSON.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    subject: text("subject"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("audit_log_created_idx").on(t.createdAt)],
);
