import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type CampaignStatus = "scheduled" | "sending" | "sent" | "cancelled";
/**
 * `withheld`: not sent because, at send time, the device no longer belonged to the user it was
 * planned for, no longer held the planned token, or was unlinked by a sign-out (the reason is in
 * `lastError`). Never a provider's answer.
 */
export type DeliveryState = "pending" | "leased" | "sent" | "failed" | "pruned" | "cancelled" | "withheld";

/**
 * A push campaign as the admin asked for it. `target` is the validated targeting JSON; the
 * devices it reached are the rows of `push_deliveries`. `dispatchedAt` is set once every
 * schedule bucket has been handed to the queue: only then can the campaign become `sent`.
 */
export const pushCampaigns = sqliteTable(
  "push_campaigns",
  {
    id: text("id").primaryKey(),
    /** Admin-supplied `Idempotency-Key`; the same key never creates a second campaign. */
    idempotencyKey: text("idempotency_key"),
    /** SHA-256 of the canonical request, to tell a replay from a conflicting reuse of the key. */
    requestHash: text("request_hash").notNull(),
    status: text("status").$type<CampaignStatus>().notNull(),
    /** The status answered at creation, replayed verbatim for a repeated Idempotency-Key. */
    createdStatus: text("created_status").$type<CampaignStatus>().notNull(),
    title: text("title"),
    body: text("body"),
    data: text("data", { mode: "json" }).$type<Record<string, string>>().notNull(),
    silent: integer("silent", { mode: "boolean" }).notNull(),
    collapseKey: text("collapse_key"),
    ttlSeconds: integer("ttl_seconds"),
    priority: text("priority").$type<"high" | "normal">().notNull(),
    target: text("target", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    sendAt: integer("send_at"),
    localTime: text("local_time"),
    createdAt: integer("created_at").notNull(),
    dispatchedAt: integer("dispatched_at"),
    completedAt: integer("completed_at"),
    cancelledAt: integer("cancelled_at"),
  },
  (t) => [uniqueIndex("push_campaigns_idempotency_idx").on(t.idempotencyKey)],
);

/**
 * The delivery ledger: one row per (campaign, device). Queues deliver at least once, so a sender
 * must win a conditional UPDATE (pending, or leased with an expired lease → leased) before it
 * calls a provider; that makes every device receive a campaign at most once.
 * `bucket` is the schedule bucket (a timezone for local-time campaigns, `*` otherwise).
 */
export const pushDeliveries = sqliteTable(
  "push_deliveries",
  {
    campaignId: text("campaign_id")
      .notNull()
      .references(() => pushCampaigns.id, { onDelete: "cascade" }),
    deviceId: text("device_id").notNull(),
    /**
     * Owner when targeted: the user the push is meant for (and whose inbox gets it). The send
     * re-checks it, and an open is accepted only from the device's current owner.
     */
    userId: text("user_id").notNull(),
    /** Fingerprint of the push token when targeted (see push/ownership.ts); null on older rows. */
    tokenHash: text("token_hash"),
    bucket: text("bucket").notNull(),
    state: text("state").$type<DeliveryState>().notNull(),
    leaseUntil: integer("lease_until"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
    openedAt: integer("opened_at"),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.deviceId] }),
    index("push_deliveries_bucket_idx").on(t.campaignId, t.bucket, t.state, t.deviceId),
    index("push_deliveries_state_idx").on(t.campaignId, t.state),
    // The console's "pushes sent to this device" (newest first) without scanning every campaign.
    index("push_deliveries_device_idx").on(t.deviceId, t.createdAt),
  ],
);

/**
 * The in-app inbox: one entry per (user, non-silent campaign) dispatched to one of the user's
 * devices. `seq` orders entries (newest first) and is the pagination cursor; `id` is what
 * clients see, so entries cannot be enumerated.
 */
export const pushInbox = sqliteTable(
  "push_inbox",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    userId: text("user_id").notNull(),
    campaignId: text("campaign_id")
      .notNull()
      .references(() => pushCampaigns.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    readAt: integer("read_at"),
  },
  (t) => [
    uniqueIndex("push_inbox_id_idx").on(t.id),
    uniqueIndex("push_inbox_user_campaign_idx").on(t.userId, t.campaignId),
    index("push_inbox_user_seq_idx").on(t.userId, t.seq),
    index("push_inbox_user_read_idx").on(t.userId, t.readAt),
  ],
);

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
