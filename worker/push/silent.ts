import { and, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { MAX_IN_FLIGHT, runLimited } from "../lib/concurrency";
import { devices, silentPushLog } from "../db/schema";
import { isValidCollapseId } from "./apns";
import type { PushTarget } from "./provider";
import { pruneDeadToken, sendPush } from "./send";

/**
 * Silent (background) pushes that tell devices a sync space changed, so they pull in the
 * background. The sync engine calls this after a commit, never including the device that made
 * the change. Apple throttles background pushes beyond two or three an hour, so each device gets
 * at most one per 20 minutes (across spaces); a failed attempt still uses its slot, so a failing provider is not
 * hammered on every commit.
 */

export const SILENT_PUSH_THROTTLE_MS = 20 * 60_000;
/** D1 binds at most 100 parameters per statement. */
const SELECT_CHUNK = 90;
/** Two parameters per claimed row plus the cutoff. */
const CLAIM_CHUNK = 45;

export async function sendSilentSyncPushes(
  env: Env,
  deviceIds: string[],
  payload: { spaceId: string; version: number },
): Promise<{ throttled: string[] }> {
  const now = Date.now();
  const targets = await loadTargets(env.DB, [...new Set(deviceIds)]);
  const claimed = await claimSlots(
    env.DB,
    targets.map((t) => t.deviceId),
    now,
  );
  const due = targets.filter((t) => claimed.has(t.deviceId));
  // Devices whose shared 20-minute slot another space (or a concurrent commit) already used:
  // the caller owes them a push for when the slot frees, rather than dropping the change.
  const throttled = targets.filter((t) => !claimed.has(t.deviceId)).map((t) => t.deviceId);
  const data = { type: "sync", spaceId: payload.spaceId, version: String(payload.version) };
  const collapseKey = await syncCollapseKey(payload.spaceId);

  await runLimited(due, MAX_IN_FLIGHT, async (target) => {
    try {
      const outcome = await sendPush(env, target, {
        data,
        silent: true,
        priority: "normal",
        collapseKey,
        messageId: crypto.randomUUID(),
      });
      if (outcome.kind === "prune") await pruneDeadToken(env.DB, target);
    } catch (error) {
      // One device's failure must not stop the others (or fail the sync commit that called us).
      console.error(
        JSON.stringify({
          level: "warn",
          message: "silent sync push failed",
          deviceId: target.deviceId,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  });
  return { throttled };
}

/**
 * `sync-<spaceId>`, so a device holding several undelivered sync pushes for one space keeps only
 * the newest; a space id too long (or odd) for the 64-byte header is replaced by its hash.
 */
export async function syncCollapseKey(spaceId: string): Promise<string> {
  const plain = `sync-${spaceId}`;
  if (isValidCollapseId(plain)) return plain;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(spaceId)));
  return `sync-${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Devices with a live token: none, or a pruned one, means nothing to send. */
async function loadTargets(d1: D1Database, ids: string[]): Promise<PushTarget[]> {
  const db = getDb(d1);
  const targets: PushTarget[] = [];
  for (let i = 0; i < ids.length; i += SELECT_CHUNK) {
    const rows = await db
      .select({
        id: devices.id,
        platform: devices.platform,
        provider: devices.pushProvider,
        token: devices.pushToken,
        tokenUpdatedAt: devices.pushTokenUpdatedAt,
      })
      .from(devices)
      .where(
        and(
          inArray(devices.id, ids.slice(i, i + SELECT_CHUNK)),
          isNotNull(devices.pushToken),
          isNotNull(devices.pushProvider),
          isNull(devices.pushTokenInvalidAt),
        ),
      );
    for (const row of rows) {
      if (!row.token || !row.provider) continue;
      targets.push({
        deviceId: row.id,
        provider: row.provider,
        token: row.token,
        platform: row.platform,
        tokenUpdatedAt: row.tokenUpdatedAt,
      });
    }
  }
  return targets;
}

/**
 * Takes each device's throttle slot in one atomic upsert: the row is written only when there is
 * none or the last send is older than the throttle window, and RETURNING names exactly the
 * devices this call won — two concurrent commits never both push the same device.
 */
async function claimSlots(d1: D1Database, ids: string[], now: number): Promise<Set<string>> {
  const db = getDb(d1);
  const won = new Set<string>();
  const cutoff = now - SILENT_PUSH_THROTTLE_MS;
  for (let i = 0; i < ids.length; i += CLAIM_CHUNK) {
    const rows = await db
      .insert(silentPushLog)
      .values(ids.slice(i, i + CLAIM_CHUNK).map((deviceId) => ({ deviceId, lastSentAt: now })))
      .onConflictDoUpdate({
        target: silentPushLog.deviceId,
        set: { lastSentAt: sql`excluded.last_sent_at` },
        setWhere: sql`${silentPushLog.lastSentAt} <= ${cutoff}`,
      })
      .returning({ deviceId: silentPushLog.deviceId });
    for (const row of rows) won.add(row.deviceId);
  }
  return won;
}
