import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "../db/client";
import { pushCampaigns } from "../db/schema";
import { ApiError, type FieldError } from "../errors";
import { cancelPendingQuery, completeIfDone } from "./ledger";
import { validatePushPayload } from "./payload";
import type { PushMessage } from "./provider";
import { firstWakeAt, initialStatus } from "./schedule";
import type { CampaignTarget } from "./targeting";

export type Campaign = typeof pushCampaigns.$inferSelect;

/** The validated body of `POST /v1/push/campaigns`. */
export interface CampaignInput {
  title?: string;
  body?: string;
  data?: Record<string, string>;
  target: CampaignTarget;
  sendAt?: number;
  localTime?: string;
  collapseKey?: string;
  ttlSeconds?: number;
  priority?: "high" | "normal";
  silent?: boolean;
}

/** Every push carries its campaign id, so the app can report the open (`POST /v1/push/opened`). */
export const CAMPAIGN_ID_DATA_KEY = "outpostCampaignId";

/** The message one device gets. `messageId` is stable per (campaign, device): the APNs `apns-id`. */
export function toPushMessage(campaign: Campaign, deviceId: string): PushMessage {
  const message: PushMessage = {
    data: { ...campaign.data, [CAMPAIGN_ID_DATA_KEY]: campaign.id },
    silent: campaign.silent,
    priority: campaign.priority,
    campaignId: campaign.id,
    messageId: `${campaign.id}:${deviceId}`,
  };
  if (campaign.title !== null) message.title = campaign.title;
  if (campaign.body !== null) message.body = campaign.body;
  if (campaign.collapseKey !== null) message.collapseKey = campaign.collapseKey;
  if (campaign.ttlSeconds !== null) message.ttlSeconds = campaign.ttlSeconds;
  return message;
}

/**
 * What the providers would refuse, checked before anything is stored or queued. The size check
 * runs on the message as it will be sent (with the campaign id in `data`, and a UUID's length).
 */
export function validateCampaignPayload(input: CampaignInput): FieldError[] {
  const errors: FieldError[] = [];
  if (input.silent && (input.title !== undefined || input.body !== undefined)) {
    errors.push({ path: "silent", message: "a silent push carries no title or body" });
  }
  if (!input.silent && (input.title === undefined || input.body === undefined)) {
    errors.push({ path: input.title === undefined ? "title" : "body", message: "is required" });
  }
  if (input.data && CAMPAIGN_ID_DATA_KEY in input.data) {
    errors.push({ path: `data.${CAMPAIGN_ID_DATA_KEY}`, message: "is reserved" });
  }
  if (errors.length > 0) return errors;
  const probe = toPushMessage(
    {
      id: crypto.randomUUID(),
      title: input.title ?? null,
      body: input.body ?? null,
      data: input.data ?? {},
      silent: input.silent ?? false,
      priority: input.priority ?? "high",
      collapseKey: input.collapseKey ?? null,
      ttlSeconds: input.ttlSeconds ?? null,
    } as Campaign,
    crypto.randomUUID(),
  );
  return validatePushPayload(probe).map((e) =>
    e.path.startsWith(`data.${CAMPAIGN_ID_DATA_KEY}`) ? { ...e, path: "data" } : e,
  );
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** SHA-256 of the request with keys sorted: equal requests hash equal whatever their key order. */
export async function requestHash(input: CampaignInput): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(canonical(input)));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function campaignStub(env: Env, campaignId: string) {
  return env.CAMPAIGN.get(env.CAMPAIGN.idFromName(campaignId));
}

/** Asks the campaign's Durable Object to run it; idempotent, so a replay can call it again. */
export async function scheduleCampaign(env: Env, campaign: Campaign, now: number): Promise<void> {
  const taken = await campaignStub(env, campaign.id).schedule(campaign.id, firstWakeAt(campaign, now));
  if (!taken) throw new Error(`campaign scheduler ${campaign.id} belongs to another campaign`);
}

export interface CreatedCampaign {
  campaign: Campaign;
  replayed: boolean;
}

/**
 * Stores the campaign and hands it to its scheduler; returns without waiting for any provider.
 * With an idempotency key, a repeat of the same request returns the first campaign (and makes
 * sure it is scheduled, in case the first call died in between); a different request under the
 * same key is `409 idempotency_conflict`.
 */
export async function createCampaign(
  env: Env,
  input: CampaignInput,
  idempotencyKey: string | null,
  now: number,
): Promise<CreatedCampaign> {
  const db = getDb(env.DB);
  const hash = await requestHash(input);
  const spec = { sendAt: input.sendAt ?? null, localTime: input.localTime ?? null };
  const status = initialStatus(spec, now);
  const inserted = await db
    .insert(pushCampaigns)
    .values({
      id: crypto.randomUUID(),
      idempotencyKey,
      requestHash: hash,
      status,
      createdStatus: status,
      title: input.title ?? null,
      body: input.body ?? null,
      data: input.data ?? {},
      silent: input.silent ?? false,
      collapseKey: input.collapseKey ?? null,
      ttlSeconds: input.ttlSeconds ?? null,
      priority: input.priority ?? "high",
      target: input.target as Record<string, unknown>,
      sendAt: spec.sendAt,
      localTime: spec.localTime,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning();
  let campaign = inserted[0];
  let replayed = false;
  if (!campaign) {
    if (idempotencyKey === null) throw new Error("campaign insert returned no row");
    const existing = await db
      .select()
      .from(pushCampaigns)
      .where(eq(pushCampaigns.idempotencyKey, idempotencyKey));
    campaign = existing[0];
    if (!campaign) throw new Error("idempotency key conflict without a stored campaign");
    if (campaign.requestHash !== hash) {
      throw new ApiError(
        409,
        "idempotency_conflict",
        "This Idempotency-Key was used for a different campaign",
      );
    }
    replayed = true;
  }
  if (campaign.status === "scheduled" || campaign.status === "sending")
    await scheduleCampaign(env, campaign, now);
  return { campaign, replayed };
}

export async function getCampaign(env: Env, id: string): Promise<Campaign | undefined> {
  const rows = await getDb(env.DB).select().from(pushCampaigns).where(eq(pushCampaigns.id, id));
  return rows[0];
}

export type CancelResult = "cancelled" | "already_sent" | "not_found";

/**
 * Cancels what has not been sent: the campaign stops being claimable at once (the consumer checks
 * its status), the scheduler drops its buckets, and pending ledger rows become `cancelled`.
 * Cancelling twice is fine; a campaign that already went out completely is `already_sent`.
 */
export async function cancelCampaign(env: Env, id: string, now: number): Promise<CancelResult> {
  const db = getDb(env.DB);
  const updated = await db
    .update(pushCampaigns)
    .set({ status: "cancelled", cancelledAt: now })
    .where(and(eq(pushCampaigns.id, id), inArray(pushCampaigns.status, ["scheduled", "sending"])))
    .returning({ id: pushCampaigns.id });
  if (updated.length === 0) {
    const campaign = await getCampaign(env, id);
    if (!campaign) return "not_found";
    return campaign.status === "sent" ? "already_sent" : "cancelled";
  }
  await campaignStub(env, id).cancel();
  await cancelPendingQuery(db, id);
  return "cancelled";
}

/** Re-checks completion (e.g. after the last bucket or a batch of outcomes). */
export function completeCampaignIfDone(env: Env, id: string, now: number): Promise<boolean> {
  return completeIfDone(getDb(env.DB), id, now);
}
