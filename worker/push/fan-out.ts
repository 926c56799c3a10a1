import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "../db/client";
import { pushCampaigns } from "../db/schema";
import type { Campaign } from "./campaigns";
import { addToInboxQuery } from "./inbox";
import { insertPending, pendingPage } from "./ledger";
import { bucketKeyFor } from "./schedule";
import { targetPage, type CampaignTarget } from "./targeting";

/** One queue message: a chunk of one campaign's devices. */
export interface PushJob {
  campaignId: string;
  deviceIds: string[];
}

/**
 * 10 devices a message and at most 50 messages a consumer batch (wrangler.toml) keep one
 * consumer invocation at ≤ 500 provider calls, well inside the subrequest limit.
 */
export const DEVICES_PER_JOB = 10;
const PAGE_SIZE = 500;
/** Queues' `sendBatch` limit (100 messages, 256 KB; a job is well under 1 KB). */
const SEND_BATCH_MAX = 100;

export function isPushJob(body: unknown): body is PushJob {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    typeof b.campaignId === "string" &&
    Array.isArray(b.deviceIds) &&
    b.deviceIds.every((d): d is string => typeof d === "string")
  );
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sends jobs in `sendBatch` calls of at most 100 messages. */
export async function enqueueJobs(
  queue: Queue,
  jobs: readonly PushJob[],
  delaySeconds?: number,
): Promise<void> {
  for (const part of chunk(jobs, SEND_BATCH_MAX)) {
    await queue.sendBatch(part.map((body) => ({ body, contentType: "json", delaySeconds })));
  }
}

/**
 * Resolves the campaign's targets into `pending` ledger rows (idempotent: re-running adds only
 * devices not yet in the ledger). Returns the schedule bucket keys that have devices.
 * `stop()` is checked between pages so a cancellation interrupts a long plan. With
 * `dispatchNow` (a campaign that is due and has one bucket) each page is handed to the queue as
 * soon as its rows exist, so the first pushes leave while later pages are still being resolved.
 */
export async function planDeliveries(
  env: Env,
  campaign: Campaign,
  now: number,
  stop: () => boolean,
  dispatchNow = false,
): Promise<Set<string>> {
  const db = getDb(env.DB);
  const buckets = new Set<string>();
  let after: string | null = null;
  do {
    if (stop()) break;
    const page = await targetPage(db, campaign.target as CampaignTarget, after, PAGE_SIZE);
    const rows = page.devices.map((d) => ({
      deviceId: d.id,
      userId: d.userId,
      bucket: bucketKeyFor(campaign, d.timezone),
    }));
    for (const r of rows) buckets.add(r.bucket);
    await insertPending(db, campaign.id, rows, now);
    if (dispatchNow && rows.length > 0) {
      await dispatchIds(
        env,
        campaign,
        rows.map((r) => r.deviceId),
        now,
      );
    }
    after = page.next;
  } while (after !== null);
  return buckets;
}

/**
 * Hands one bucket to the queue: pages its `pending` rows, puts the campaign into the owners'
 * inboxes (non-silent only) and enqueues jobs of DEVICES_PER_JOB devices. Re-running it only
 * enqueues rows still pending, and the ledger drops any duplicate a re-run creates.
 */
export async function dispatchBucket(
  env: Env,
  campaign: Campaign,
  bucket: string,
  now: number,
  stop: () => boolean,
): Promise<number> {
  const db = getDb(env.DB);
  await markSending(env, campaign.id);
  let enqueued = 0;
  let after: string | null = null;
  for (;;) {
    if (stop()) break;
    const deviceIds = await pendingPage(db, campaign.id, bucket, after, PAGE_SIZE);
    if (deviceIds.length === 0) break;
    await dispatchIds(env, campaign, deviceIds, now);
    enqueued += deviceIds.length;
    after = deviceIds[deviceIds.length - 1] ?? null;
    if (deviceIds.length < PAGE_SIZE) break;
  }
  return enqueued;
}

/** Puts the campaign in the devices' owners' inboxes (non-silent only) and enqueues the devices. */
async function dispatchIds(env: Env, campaign: Campaign, deviceIds: string[], now: number): Promise<void> {
  if (!campaign.silent) await addToInboxQuery(getDb(env.DB), campaign.id, JSON.stringify(deviceIds), now);
  const jobs = chunk(deviceIds, DEVICES_PER_JOB).map((ids) => ({ campaignId: campaign.id, deviceIds: ids }));
  await enqueueJobs(env.PUSH_QUEUE, jobs);
}

/** Marks the campaign `sending` (from `scheduled`) as its first bucket goes out. */
export async function markSending(env: Env, campaignId: string): Promise<void> {
  await getDb(env.DB)
    .update(pushCampaigns)
    .set({ status: "sending" })
    .where(and(eq(pushCampaigns.id, campaignId), eq(pushCampaigns.status, "scheduled")));
}

/** Every bucket is with the queue: from now on the campaign completes when its ledger drains. */
export async function markDispatched(env: Env, campaignId: string, now: number): Promise<void> {
  await getDb(env.DB)
    .update(pushCampaigns)
    .set({ dispatchedAt: now })
    .where(and(eq(pushCampaigns.id, campaignId), isNull(pushCampaigns.dispatchedAt)));
}
