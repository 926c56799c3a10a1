import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./auth";

/**
 * A sync space: a user's personal space (`kind = "personal"`, id derived from the user id) or a
 * shared one. `version` grows by one per change and is written in the same D1 batch as the
 * change; `purgeHorizon` is the highest tombstone version ever purged (cursors below it → 410).
 * Only the SyncSpace Durable Object writes `version`, `purge_horizon`, `records` and `sync_clients`.
 */
export const spaces = sqliteTable("spaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["personal", "shared"] }).notNull(),
  ownerId: text("owner_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  version: integer("version").notNull().default(0),
  purgeHorizon: integer("purge_horizon").notNull().default(0),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const spaceMembers = sqliteTable(
  "space_members",
  {
    spaceId: text("space_id")
      .notNull()
      .references(() => spaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "editor", "viewer"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.userId] }), index("space_members_user_idx").on(t.userId)],
);

/**
 * One row per record, updated in place: its latest state and the version that made it, so a
 * scan in version order yields each record at most once. Deletes are tombstones
 * (`deleted = 1`, `value = null`) until the retention alarm purges them.
 */
export const records = sqliteTable(
  "records",
  {
    spaceId: text("space_id")
      .notNull()
      .references(() => spaces.id, { onDelete: "cascade" }),
    collection: text("collection").notNull(),
    key: text("key").notNull(),
    version: integer("version").notNull(),
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
    /** The value as JSON text; null for a tombstone. */
    value: text("value"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.spaceId, t.collection, t.key] }),
    index("records_space_version_idx").on(t.spaceId, t.version),
    index("records_space_deleted_idx").on(t.spaceId, t.deleted, t.updatedAt),
  ],
);

/**
 * One local database on one device, per space. `lastMutationId` is committed in the same
 * batch as the mutations' effects: that is what makes retried pushes exactly-once.
 * Client ids are scoped per user (v1.1): the key includes the user, so a member who picks another
 * member's client id string gets a client of their own instead of locking the other one out.
 */
export const syncClients = sqliteTable(
  "sync_clients",
  {
    spaceId: text("space_id")
      .notNull()
      .references(() => spaces.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deviceId: text("device_id"),
    lastMutationId: integer("last_mutation_id").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.userId, t.clientId] })],
);
