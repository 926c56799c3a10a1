import type { Db } from "../../db/client";
import { ApiError } from "../../errors";
import { cancelPending } from "./queries/ledger";
import {
  type Campaign,
  findCampaign,
  findCampaignByIdempotencyKey,
  insertCampaign,
  markCancelled,
} from "./queries/campaigns";
import { firstWakeAt, initialStatus } from "./schedule";
import { startScheduler, stopScheduler } from "./scheduler-client";
import type { CampaignInput } from "./schema";

/** A campaign's lifecycle: created (and scheduled), cancelled, completed. */

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
async function requestHash(input: CampaignInput): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(canonical(input)));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Asks the campaign's Durable Object to run it; idempotent, so a replay can call it again. */
async function scheduleCampaign(env: Env, campaign: Campaign, now: number): Promise<void> {
  await startScheduler(env, campaign.id, firstWakeAt(campaign, now));
}

interface CreatedCampaign {
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
  db: Db,
  input: CampaignInput,
  idempotencyKey: string | null,
  now: number,
): Promise<CreatedCampaign> {
  const hash = await requestHash(input);
  const spec = { sendAt: input.sendAt ?? null, localTime: input.localTime ?? null };
  const status = initialStatus(spec, now);
  let campaign = await insertCampaign(db, {
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
    target: input.target,
    sendAt: spec.sendAt,
    localTime: spec.localTime,
    createdAt: now,
  });
  let replayed = false;
  if (!campaign) {
    if (idempotencyKey === null) throw new Error("campaign insert returned no row");
    campaign = await findCampaignByIdempotencyKey(db, idempotencyKey);
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

type CancelResult = "cancelled" | "already_sent" | "not_found";

/**
 * Cancels what has not been sent: the campaign stops being claimable at once (the consumer checks
 * its status), the scheduler drops its buckets, and pending ledger rows become `cancelled`.
 * Cancelling twice is fine; a campaign that already went out completely is `already_sent`.
 */
export async function cancelCampaign(env: Env, db: Db, id: string, now: number): Promise<CancelResult> {
  if (!(await markCancelled(db, id, now))) {
    const campaign = await findCampaign(db, id);
    if (!campaign) return "not_found";
    return campaign.status === "sent" ? "already_sent" : "cancelled";
  }
  await stopScheduler(env, id);
  await cancelPending(db, id);
  return "cancelled";
}
