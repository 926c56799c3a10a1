import { and, asc, eq, gt, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { pushCampaigns, pushDeliveries } from "../../../db/schema";

/**
 * The delivery ledger: every state change of a (campaign, device) row is a conditional UPDATE,
 * so two consumers racing over the same queue message can never both send.
 */

/** How long a claim holds a row; a consumer that dies mid-send frees it after this. */
const LEASE_MS = 60_000;

const ids = (deviceIds: readonly string[]) => JSON.stringify(deviceIds);
const inIds = (deviceIds: readonly string[]) =>
  sql`${pushDeliveries.deviceId} IN (SELECT value FROM json_each(${ids(deviceIds)}))`;

interface NewDelivery {
  deviceId: string;
  /** The user the push is meant for: the device's owner when targeted. */
  userId: string;
  /** Fingerprint of the token the device held when targeted (push/ownership.ts). */
  tokenHash: string;
  bucket: string;
}

/** Adds `pending` rows (one statement per call, rows as one JSON parameter); existing rows stay. */
export async function insertPending(
  db: Db,
  campaignId: string,
  rows: readonly NewDelivery[],
  now: number,
): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows.map((r) => [r.deviceId, r.userId, r.bucket, r.tokenHash]));
  await db.run(sql`
    INSERT OR IGNORE INTO push_deliveries (campaign_id, device_id, user_id, bucket, token_hash, state, attempts, created_at)
    SELECT ${campaignId}, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'),
      json_extract(j.value, '$[3]'), 'pending', 0, ${now}
    FROM json_each(${json}) AS j
  `);
}

interface Claim {
  deviceId: string;
  attempts: number;
  /** What the row was planned for: the send re-checks both against the device (ownership.ts). */
  userId: string;
  tokenHash: string | null;
}

/**
 * Claims rows for sending: `pending`, or `leased` whose lease ran out, of a campaign that is not
 * cancelled → `leased` until now + LEASE_MS. Only the returned devices may be sent to.
 */
export async function claim(db: Db, campaignId: string, deviceIds: readonly string[], now: number) {
  if (deviceIds.length === 0) return [] as Claim[];
  return db
    .update(pushDeliveries)
    .set({ state: "leased", leaseUntil: now + LEASE_MS, attempts: sql`${pushDeliveries.attempts} + 1` })
    .where(
      and(
        eq(pushDeliveries.campaignId, campaignId),
        inIds(deviceIds),
        sql`(${pushDeliveries.state} = 'pending' OR (${pushDeliveries.state} = 'leased' AND ${pushDeliveries.leaseUntil} < ${now}))`,
        sql`EXISTS (SELECT 1 FROM push_campaigns c WHERE c.id = ${campaignId} AND c.status IN ('scheduled', 'sending'))`,
      ),
    )
    .returning({
      deviceId: pushDeliveries.deviceId,
      attempts: pushDeliveries.attempts,
      userId: pushDeliveries.userId,
      tokenHash: pushDeliveries.tokenHash,
    });
}

/** Rows another consumer holds right now: (device → lease end). Used to defer a duplicate. */
export async function activeLeases(db: Db, campaignId: string, deviceIds: readonly string[], now: number) {
  if (deviceIds.length === 0) return new Map<string, number>();
  const rows = await db
    .select({ deviceId: pushDeliveries.deviceId, leaseUntil: pushDeliveries.leaseUntil })
    .from(pushDeliveries)
    .where(
      and(
        eq(pushDeliveries.campaignId, campaignId),
        inIds(deviceIds),
        eq(pushDeliveries.state, "leased"),
        sql`${pushDeliveries.leaseUntil} >= ${now}`,
      ),
    );
  return new Map(rows.map((r) => [r.deviceId, r.leaseUntil ?? now]));
}

const leased = (campaignId: string, deviceIds: readonly string[]) =>
  and(eq(pushDeliveries.campaignId, campaignId), inIds(deviceIds), eq(pushDeliveries.state, "leased"));

export function markSentQuery(db: Db, campaignId: string, deviceIds: readonly string[], now: number) {
  return db
    .update(pushDeliveries)
    .set({ state: "sent", sentAt: now, leaseUntil: null, lastError: null })
    .where(leased(campaignId, deviceIds));
}

export function markFailedQuery(
  db: Db,
  campaignId: string,
  deviceIds: readonly string[],
  state: "failed" | "pruned" | "withheld",
  reason: string,
) {
  return db
    .update(pushDeliveries)
    .set({ state, leaseUntil: null, lastError: reason })
    .where(leased(campaignId, deviceIds));
}

/** A retry gives the row back (`pending`) so the delayed message can claim it again. */
export function releaseQuery(db: Db, campaignId: string, deviceIds: readonly string[], reason: string) {
  return db
    .update(pushDeliveries)
    .set({ state: "pending", leaseUntil: null, lastError: reason })
    .where(leased(campaignId, deviceIds));
}

/**
 * The dead-letter queue's verdict: rows still waiting after the queue spent its retries are
 * `failed` with `retries_exhausted`. A row someone holds a live lease on is left to its holder.
 */
export async function markExhausted(
  db: Db,
  campaignId: string,
  deviceIds: readonly string[],
  now: number,
): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const rows = await db
    .update(pushDeliveries)
    .set({ state: "failed", leaseUntil: null, lastError: "retries_exhausted" })
    .where(
      and(
        eq(pushDeliveries.campaignId, campaignId),
        inIds(deviceIds),
        sql`(${pushDeliveries.state} = 'pending' OR (${pushDeliveries.state} = 'leased' AND ${pushDeliveries.leaseUntil} < ${now}))`,
      ),
    )
    .returning({ deviceId: pushDeliveries.deviceId });
  return rows.length;
}

/** Everything not yet sent of a cancelled campaign stays unsent. */
export async function cancelPending(db: Db, campaignId: string): Promise<void> {
  await db
    .update(pushDeliveries)
    .set({ state: "cancelled", leaseUntil: null })
    .where(and(eq(pushDeliveries.campaignId, campaignId), eq(pushDeliveries.state, "pending")));
}

/** One keyset page of a bucket's `pending` device ids (the fan-out reads the ledger, not devices). */
export async function pendingPage(
  db: Db,
  campaignId: string,
  bucket: string,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ deviceId: pushDeliveries.deviceId })
    .from(pushDeliveries)
    .where(
      and(
        eq(pushDeliveries.campaignId, campaignId),
        eq(pushDeliveries.bucket, bucket),
        eq(pushDeliveries.state, "pending"),
        after === null ? undefined : gt(pushDeliveries.deviceId, after),
      ),
    )
    .orderBy(asc(pushDeliveries.deviceId))
    .limit(limit);
  return rows.map((r) => r.deviceId);
}

/**
 * `sending` → `sent` once every bucket is dispatched and no row is pending or leased. One
 * conditional statement, so concurrent consumers finishing together flip it exactly once.
 */
export async function completeIfDone(db: Db, campaignId: string, now: number): Promise<boolean> {
  const rows = await db
    .update(pushCampaigns)
    .set({ status: "sent", completedAt: now })
    .where(
      and(
        eq(pushCampaigns.id, campaignId),
        inArray(pushCampaigns.status, ["scheduled", "sending"]),
        isNotNull(pushCampaigns.dispatchedAt),
        sql`NOT EXISTS (SELECT 1 FROM push_deliveries d WHERE d.campaign_id = ${campaignId}
          AND d.state IN ('pending', 'leased'))`,
      ),
    )
    .returning({ id: pushCampaigns.id });
  return rows.length > 0;
}

/**
 * Records that the app opened the push (first time only). False when the device is not the
 * caller's or never got this campaign — the route answers 404 for both, so it is no oracle.
 */
export async function recordOpen(
  db: Db,
  userId: string,
  campaignId: string,
  deviceId: string,
  now: number,
): Promise<boolean> {
  const rows = await db
    .update(pushDeliveries)
    .set({ openedAt: sql`coalesce(${pushDeliveries.openedAt}, ${now})` })
    .where(
      and(
        eq(pushDeliveries.campaignId, campaignId),
        eq(pushDeliveries.deviceId, deviceId),
        inArray(pushDeliveries.state, ["sent", "leased"]),
        sql`EXISTS (SELECT 1 FROM devices WHERE devices.id = ${deviceId} AND devices.user_id = ${userId})`,
      ),
    )
    .returning({ deviceId: pushDeliveries.deviceId });
  return rows.length > 0;
}
