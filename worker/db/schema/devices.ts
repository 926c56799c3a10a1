import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth";

/**
 * An app install. `id` is the client's stable install id (X-Device-Id). A push token is unique
 * across devices: registering it again (another install or another user) moves it.
 * `pushTokenInvalidAt` is set when FCM/APNs call the token dead; targeting skips such devices
 * until the app registers a new token. `unlinkedAt` is set when the owner signs out on the
 * device (the session it signed in from ends): it gets no pushes for that owner until the owner
 * signs in on it again, and the next user who signs in on it may register it.
 */
export const devices = sqliteTable(
  "devices",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    platform: text("platform", { enum: ["ios", "android"] }).notNull(),
    pushProvider: text("push_provider", { enum: ["apns", "fcm"] }),
    pushToken: text("push_token"),
    pushTokenUpdatedAt: integer("push_token_updated_at"),
    pushTokenInvalidAt: integer("push_token_invalid_at"),
    appVersion: text("app_version"),
    /** Numeric sort key of appVersion (major*1e12 + minor*1e6 + patch) for range targeting in SQL. */
    appVersionKey: integer("app_version_key"),
    locale: text("locale"),
    timezone: text("timezone"),
    unlinkedAt: integer("unlinked_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("devices_user_idx").on(t.userId),
    uniqueIndex("devices_push_token_idx")
      .on(t.pushToken)
      .where(sql`${t.pushToken} IS NOT NULL`),
    index("devices_platform_idx").on(t.platform),
  ],
);

export const deviceTopics = sqliteTable(
  "device_topics",
  {
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.topic] }), index("device_topics_topic_idx").on(t.topic)],
);
