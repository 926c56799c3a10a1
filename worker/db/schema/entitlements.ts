import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth";

/**
 * One store purchase chain (Apple: an originalTransactionId; Play: a purchase token), in the
 * latest state a verified store message gave it. `signedAt` is the store's signed date of that
 * state: an older message never overwrites it (notifications arrive out of order). `userId` is
 * set once (the app's report or the store message's account token) and never silently changes:
 * another user's report is `409 purchase_owned_elsewhere` (an anonymous owner's purchase moves to
 * the reporter, see docs/entitlements.md). `replacedBy` marks a Play token superseded by a newer
 * one in its chain; such a row grants nothing.
 */
export const purchases = sqliteTable(
  "purchases",
  {
    store: text("store", { enum: ["app_store", "play"] }).notNull(),
    purchaseId: text("purchase_id").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    productId: text("product_id").notNull(),
    transactionId: text("transaction_id").notNull(),
    state: text("state", {
      enum: [
        "active",
        "grace_period",
        "billing_retry",
        "expired",
        "refunded",
        "revoked",
        "paused",
        "pending",
      ],
    }).notNull(),
    expiresAt: integer("expires_at"),
    willRenew: integer("will_renew", { mode: "boolean" }).notNull(),
    familyShared: integer("family_shared", { mode: "boolean" }).notNull(),
    signedAt: integer("signed_at").notNull(),
    environment: text("environment"),
    replacedBy: text("replaced_by"),
    needsAcknowledgement: integer("needs_acknowledgement", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("purchases_store_purchase_idx").on(t.store, t.purchaseId),
    index("purchases_user_idx").on(t.userId),
  ],
);

/**
 * Every store notification as received, kept for support: the raw body, whether it verified,
 * and what applying it did (`outcome` is null until it was applied, so a retry after a failure
 * half-way applies it again, while a replay of an applied one changes nothing).
 */
export const storeNotifications = sqliteTable(
  "store_notifications",
  {
    store: text("store", { enum: ["app_store", "play"] }).notNull(),
    notificationId: text("notification_id").notNull(),
    type: text("type").notNull(),
    subtype: text("subtype"),
    signedAt: integer("signed_at").notNull(),
    raw: text("raw").notNull(),
    verified: integer("verified", { mode: "boolean" }).notNull(),
    purchaseId: text("purchase_id"),
    userId: text("user_id"),
    outcome: text("outcome"),
    receivedAt: integer("received_at").notNull(),
    appliedAt: integer("applied_at"),
  },
  (t) => [
    uniqueIndex("store_notifications_id_idx").on(t.store, t.notificationId),
    index("store_notifications_purchase_idx").on(t.store, t.purchaseId),
    index("store_notifications_user_idx").on(t.userId),
  ],
);
