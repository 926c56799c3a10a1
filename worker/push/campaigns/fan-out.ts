import type { Db } from "../../db/client";
import { productCatalog, productsGranting } from "../../entitlements/catalog";
import { addToInbox } from "../inbox/queries";
import { tokenFingerprint } from "../ownership";
import { chunk, DEVICES_PER_JOB, enqueueJobs } from "./jobs";
import { markSending, type Campaign } from "./queries/campaigns";
import { insertPending, pendingPage } from "./queries/ledger";
import { targetPage } from "./queries/targets";
import { bucketKeyFor } from "./schedule";
import type { CampaignTarget } from "./schema";

/** Where fan-out writes: the ledger and inbox (D1) and the push queue. */
export interface FanOutSinks {
  db: Db;
  queue: Queue;
  /** The ENTITLEMENTS var, for `target.entitlements` (products granting them). */
  entitlements?: string;
}

/** Rows read per page, from `devices` when planning and from the ledger when dispatching. */
const PAGE_SIZE = 500;

/**
 * Resolves the campaign's targets into `pending` ledger rows (idempotent: re-running adds only
 * devices not yet in the ledger). Returns the schedule bucket keys that have devices.
 * `stop()` is checked between pages so a cancellation interrupts a long plan. With
 * `dispatchNow` (a campaign that is due and has one bucket) each page is handed to the queue as
 * soon as its rows exist, so the first pushes leave while later pages are still being resolved.
 */
export async function planDeliveries(
  sinks: FanOutSinks,
  campaign: Campaign,
  now: number,
  stop: () => boolean,
  dispatchNow = false,
): Promise<Set<string>> {
  const { db } = sinks;
  const buckets = new Set<string>();
  let after: string | null = null;
  const target = campaign.target as CampaignTarget;
  const entitlementProducts = target.entitlements
    ? productsGranting(productCatalog(sinks.entitlements), target.entitlements)
    : undefined;
  do {
    if (stop()) break;
    const page = await targetPage(db, target, after, PAGE_SIZE, { entitlementProducts, now });
    // Who each push is meant for and the token it was planned with: the send re-checks both.
    const rows = await Promise.all(
      page.devices.map(async (d) => ({
        deviceId: d.id,
        userId: d.userId,
        tokenHash: await tokenFingerprint(d.pushToken),
        bucket: bucketKeyFor(campaign, d.timezone),
      })),
    );
    for (const r of rows) buckets.add(r.bucket);
    await insertPending(db, campaign.id, rows, now);
    if (dispatchNow && rows.length > 0) {
      await dispatchIds(
        sinks,
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
  sinks: FanOutSinks,
  campaign: Campaign,
  bucket: string,
  now: number,
  stop: () => boolean,
): Promise<number> {
  const { db } = sinks;
  await markSending(db, campaign.id);
  let enqueued = 0;
  let after: string | null = null;
  for (;;) {
    if (stop()) break;
    const deviceIds = await pendingPage(db, campaign.id, bucket, after, PAGE_SIZE);
    if (deviceIds.length === 0) break;
    await dispatchIds(sinks, campaign, deviceIds, now);
    enqueued += deviceIds.length;
    after = deviceIds[deviceIds.length - 1] ?? null;
    if (deviceIds.length < PAGE_SIZE) break;
  }
  return enqueued;
}

/** Puts the campaign in the devices' owners' inboxes (non-silent only) and enqueues the devices. */
async function dispatchIds(
  sinks: FanOutSinks,
  campaign: Campaign,
  deviceIds: string[],
  now: number,
): Promise<void> {
  if (!campaign.silent) await addToInbox(sinks.db, campaign.id, deviceIds, now);
  const jobs = chunk(deviceIds, DEVICES_PER_JOB).map((ids) => ({ campaignId: campaign.id, deviceIds: ids }));
  await enqueueJobs(sinks.queue, jobs);
}
