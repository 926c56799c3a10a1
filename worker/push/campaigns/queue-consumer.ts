import { getDb, type Db } from "../../db/client";
import { MAX_IN_FLIGHT, runLimited } from "../../lib/concurrency";
import { countMetric, type WaitUntil } from "../../ops/metrics";
import { tokenFingerprint, withheldReason, type WithheldReason } from "../ownership";
import type { SendOutcome } from "../providers/provider";
import { loadPushTargets, pruneDeadToken, type OwnedPushTarget } from "../queries/push-targets";
import { sendPush } from "../send";
import { chunk, enqueueJobs, isPushJob, type PushJob } from "./jobs";
import { toPushMessage } from "./message";
import { findCampaigns, type Campaign } from "./queries/campaigns";
import {
  activeLeases,
  claim,
  completeIfDone,
  markExhausted,
  markFailedQuery,
  markSentQuery,
  releaseQuery,
} from "./queries/ledger";

/**
 * Devices claimed at a time. Providers time out after 10 s, so even a wave that times out
 * everywhere (30 / 6 in flight × 10 s = 50 s) finishes inside its 60 s lease.
 */
const WAVE_SIZE = 30;
/** Beyond the queue's own retries (max_retries = 5), a backstop against a row that never settles. */
const MAX_ATTEMPTS = 10;

/** A send's outcome, or the ownership check's refusal to send (push/ownership.ts). */
type Outcome = SendOutcome | { kind: "withheld"; reason: WithheldReason };

interface Work {
  campaign: Campaign;
  deviceId: string;
  attempt: number;
  planned: { userId: string; tokenHash: string | null };
  target: OwnedPushTarget | null;
  outcome?: Outcome;
}

/**
 * The push queue's consumer (and its dead-letter queue's: the DLQ's name ends in `-dlq`).
 * Claims each device's ledger row before sending, so a redelivered message never pushes twice.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, ctx?: WaitUntil): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return handleDeadLetters(batch, env, ctx);
  const db = getDb(env.DB);

  // Group the batch's devices per campaign (a redelivered message may repeat devices).
  const byCampaign = new Map<string, Set<string>>();
  for (const msg of batch.messages) {
    if (!isPushJob(msg.body)) {
      console.error(JSON.stringify({ level: "error", message: "push queue: malformed message", id: msg.id }));
      msg.ack();
      continue;
    }
    const set = byCampaign.get(msg.body.campaignId) ?? new Set<string>();
    for (const d of msg.body.deviceIds) set.add(d);
    byCampaign.set(msg.body.campaignId, set);
  }
  if (byCampaign.size === 0) return;

  const campaigns = await findCampaigns(db, [...byCampaign.keys()]);
  const retries: Retry[] = [];
  const deferred: { job: PushJob; delaySeconds: number }[] = [];
  for (const [campaignId, deviceSet] of byCampaign) {
    const campaign = campaigns.get(campaignId);
    if (!campaign) continue;
    // Claimed in waves, so a lease always outlives the sends it covers.
    for (const wave of chunk([...deviceSet], WAVE_SIZE)) {
      const outcome = await sendWave(db, env, ctx, campaign, wave);
      retries.push(...outcome.retries);
      deferred.push(...outcome.deferred);
    }
  }
  await settleMessages(batch, env, retries, deferred);
  for (const campaignId of byCampaign.keys()) await completeIfDone(db, campaignId, Date.now());
}

/**
 * Claims, sends and records one wave of a campaign's devices. Devices another consumer holds a
 * live lease on (a duplicate message racing the original) come back as deferred jobs.
 */
async function sendWave(
  db: Db,
  env: Env,
  ctx: WaitUntil | undefined,
  campaign: Campaign,
  wanted: string[],
): Promise<{ retries: Retry[]; deferred: { job: PushJob; delaySeconds: number }[] }> {
  const now = Date.now();
  const claimed = await claim(db, campaign.id, wanted, now);
  const claimedIds = new Set(claimed.map((c) => c.deviceId));
  const deferred: { job: PushJob; delaySeconds: number }[] = [];
  const unclaimed = wanted.filter((d) => !claimedIds.has(d));
  for (const [deviceId, leaseUntil] of await activeLeases(db, campaign.id, unclaimed, now)) {
    deferred.push({
      job: { campaignId: campaign.id, deviceIds: [deviceId] },
      delaySeconds: Math.ceil((leaseUntil - now) / 1000) + 1,
    });
  }
  if (claimed.length === 0) return { retries: [], deferred };
  const targets = await loadPushTargets(
    db,
    claimed.map((c) => c.deviceId),
  );
  const work: Work[] = claimed.map((c) => ({
    campaign,
    deviceId: c.deviceId,
    attempt: c.attempts,
    planned: { userId: c.userId, tokenHash: c.tokenHash },
    target: targets.get(c.deviceId) ?? null,
  }));
  await runLimited(work, MAX_IN_FLIGHT, async (w) => {
    // Read after the claim, so every attempt (a retry hours later too) checks the device as it
    // is now; the wave's sends follow within its lease.
    const withheld = w.target
      ? withheldReason(w.planned, { ...w.target, tokenHash: await tokenFingerprint(w.target.token) })
      : null;
    if (w.attempt > MAX_ATTEMPTS || !w.target) {
      // Failures decided here never reach sendPush, which counts the others.
      const reason = w.attempt > MAX_ATTEMPTS ? "retries_exhausted" : "no_token";
      w.outcome = { kind: "failed", reason };
      countMetric(env, ctx, "outpost_push_failed_total", { reason });
    } else if (withheld) {
      w.outcome = { kind: "withheld", reason: withheld };
    } else {
      try {
        w.outcome = await sendPush(env, w.target, toPushMessage(w.campaign, w.deviceId), w.attempt, { ctx });
      } catch (error) {
        // A network error reaching the provider: try again later rather than lose the device.
        const reason = error instanceof Error ? error.message.slice(0, 80) : "send_error";
        w.outcome = {
          kind: "retry",
          delaySeconds: Math.min(60, 2 ** w.attempt),
          reason: `network: ${reason}`,
        };
      }
    }
  });
  return { retries: await recordOutcomes(db, work, Date.now()), deferred };
}

interface Retry {
  campaignId: string;
  deviceId: string;
  delaySeconds: number;
}

/** Writes every outcome to the ledger, grouped into one statement per (campaign, state, reason). */
async function recordOutcomes(db: Db, work: Work[], now: number): Promise<Retry[]> {
  const groups = new Map<
    string,
    { campaignId: string; kind: Outcome["kind"]; reason: string; ids: string[] }
  >();
  const retries: Retry[] = [];
  for (const w of work) {
    const o = w.outcome;
    if (!o) continue;
    const reason = o.kind === "sent" ? "" : o.reason;
    const key = `${w.campaign.id}\u0000${o.kind}\u0000${reason}`;
    const g = groups.get(key) ?? { campaignId: w.campaign.id, kind: o.kind, reason, ids: [] };
    g.ids.push(w.deviceId);
    groups.set(key, g);
    if (o.kind === "retry")
      retries.push({ campaignId: w.campaign.id, deviceId: w.deviceId, delaySeconds: o.delaySeconds });
    if (o.kind === "prune" && w.target) await pruneDeadToken(db, w.target, now);
  }
  const statements = [...groups.values()].map((g) => {
    switch (g.kind) {
      case "sent":
        return markSentQuery(db, g.campaignId, g.ids, now);
      case "prune":
        return markFailedQuery(db, g.campaignId, g.ids, "pruned", g.reason);
      case "failed":
        return markFailedQuery(db, g.campaignId, g.ids, "failed", g.reason);
      case "withheld":
        return markFailedQuery(db, g.campaignId, g.ids, "withheld", g.reason);
      case "retry":
        return releaseQuery(db, g.campaignId, g.ids, g.reason);
    }
  });
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return retries;
}

/**
 * Acks what is done. A device to retry goes back through the queue with the provider's delay:
 * a one-device message is retried as itself (so the queue counts its attempts and dead-letters
 * it after max_retries); a device from a larger message gets a one-device message of its own.
 */
async function settleMessages(
  batch: MessageBatch<unknown>,
  env: Env,
  retries: Retry[],
  deferred: { job: PushJob; delaySeconds: number }[],
): Promise<void> {
  const retryOf = new Map(retries.map((r) => [`${r.campaignId}\u0000${r.deviceId}`, r]));
  const fresh: { job: PushJob; delaySeconds: number }[] = [...deferred];
  for (const msg of batch.messages) {
    if (!isPushJob(msg.body)) continue;
    const body = msg.body;
    const mine = body.deviceIds
      .map((d) => retryOf.get(`${body.campaignId}\u0000${d}`))
      .filter((r): r is Retry => r !== undefined);
    for (const r of mine) retryOf.delete(`${r.campaignId}\u0000${r.deviceId}`);
    if (body.deviceIds.length === 1 && mine[0]) {
      msg.retry({ delaySeconds: clampDelay(mine[0].delaySeconds) });
      continue;
    }
    for (const r of mine)
      fresh.push({
        job: { campaignId: r.campaignId, deviceIds: [r.deviceId] },
        delaySeconds: r.delaySeconds,
      });
    msg.ack();
  }
  // Group by delay so each sendBatch carries one delay.
  const byDelay = new Map<number, PushJob[]>();
  for (const f of fresh) {
    const d = clampDelay(f.delaySeconds);
    byDelay.set(d, [...(byDelay.get(d) ?? []), f.job]);
  }
  for (const [delaySeconds, jobs] of byDelay) await enqueueJobs(env.PUSH_QUEUE, jobs, delaySeconds);
}

/** Queues accept delays up to 12 hours (43,200 s); a provider's Retry-After can be anything. */
function clampDelay(seconds: number): number {
  return Math.max(0, Math.min(43_200, Math.ceil(seconds)));
}

/** Messages whose retries are spent: their devices that are still waiting failed for good. */
async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env, ctx?: WaitUntil): Promise<void> {
  const db = getDb(env.DB);
  const now = Date.now();
  const touched = new Set<string>();
  for (const msg of batch.messages) {
    if (isPushJob(msg.body)) {
      const failed = await markExhausted(db, msg.body.campaignId, msg.body.deviceIds, now);
      if (failed > 0)
        countMetric(env, ctx, "outpost_push_failed_total", { reason: "retries_exhausted" }, failed);
      touched.add(msg.body.campaignId);
    }
    msg.ack();
  }
  for (const campaignId of touched) await completeIfDone(db, campaignId, Date.now());
}
