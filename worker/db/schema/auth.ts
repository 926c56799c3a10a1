import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One person (or one anonymous install until it signs in). Anonymous users upgrade in place. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email"),
    anonymous: integer("anonymous", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("users_email_idx").on(t.email)],
);

/**
 * A verified OIDC identity. The key is (issuer, subject): `sub` is only unique per issuer, and
 * emails change and are reused, so neither identifies a person alone.
 */
export const identities = sqliteTable(
  "identities",
  {
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The provider name from OIDC_PROVIDERS it last signed in through (informational). */
    provider: text("provider").notNull(),
    email: text("email"),
    createdAt: integer("created_at").notNull(),
    lastSignInAt: integer("last_sign_in_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), index("identities_user_idx").on(t.userId)],
);

/**
 * One sign-in on one device: the family of every refresh token descended from it and of the
 * access tokens they minted (`sid`). `refreshGeneration` is the generation of the live refresh
 * token(s); `expiresAt` slides forward on every refresh.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deviceId: text("device_id"),
    platform: text("platform"),
    refreshGeneration: integer("refresh_generation").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    /** Why: `logout`, `revoked` (DELETE /v1/sessions/{id}), `reuse` (a spent refresh token came back). */
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/**
 * Refresh tokens, stored only as SHA-256 hashes. Rows stay after use so that a spent token
 * presented again is recognised as reuse (and revokes its session) rather than as unknown.
 * `rotatedTo` is the hash of the token minted when this one was spent.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    hash: text("hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    generation: integer("generation").notNull(),
    createdAt: integer("created_at").notNull(),
    usedAt: integer("used_at"),
    rotatedTo: text("rotated_to"),
  },
  (t) => [index("refresh_tokens_session_idx").on(t.sessionId)],
);
