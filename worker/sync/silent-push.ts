import { getDb } from "../db/client";
import { MAX_IN_FLIGHT, runLimited } from "../lib/concurrency";
import { isValidCollapseId } from "../push/providers/apns/sender";
import { loadPushTargets, pruneDeadToken } from "../push/queries/push-targets";
import { sendPush } from "../push/send";
import { SILENT_PUSH_WINDOW_MS } from "./background";
import { claimSilentPushSlots } from "./queries/silent-push-log";

/**
 * Silent (background) pushes that tell devices a sync space changed, so they pull in the
 * background. The sync engine calls this after a commit, never including the device that made
 * the change. Apple throttles background pushes beyond two or three an hour, so each device gets
 * at most one per SILENT_PUSH_WINDOW_MS (across spaces); a failed attempt still uses its slot, so
 * a failing provider is not hammered on every commit.
 */
export async function sendSilentSyncPushes(
  env: Env,
  deviceIds: string[],
  payload: { spaceId: string; version: number; bookmark?: string },
): Promise<{ throttled: string[] }> {
  const now = Date.now();
  const db = getDb(env.DB);
  // Checked at send time, not when the devices were picked (an owed push waits 20 minutes): only
  // devices still owned by a member of the space, and not signed out on by that owner.
  const loaded = await loadPushTargets(db, [...new Set(deviceIds)], { memberOf: payload.spaceId });
  const targets = [...loaded.values()].filter((t) => t.unlinkedAt === null);
  const claimed = await claimSilentPushSlots(
    db,
    targets.map((t) => t.deviceId),
    now,
    now - SILENT_PUSH_WINDOW_MS,
  );
  const due = targets.filter((t) => claimed.has(t.deviceId));
  // Devices whose shared 20-minute slot another space (or a concurrent commit) already used:
  // the caller owes them a push for when the slot frees, rather than dropping the change.
  const throttled = targets.filter((t) => !claimed.has(t.deviceId)).map((t) => t.deviceId);
  // The bookmark of the change: the app's background pull sends it, so it reads the change (API.md).
  const data: Record<string, string> = {
    type: "sync",
    spaceId: payload.spaceId,
    version: String(payload.version),
    ...(payload.bookmark ? { bookmark: payload.bookmark } : {}),
  };
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
      if (outcome.kind === "prune") await pruneDeadToken(db, target);
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
async function syncCollapseKey(spaceId: string): Promise<string> {
  const plain = `sync-${spaceId}`;
  if (isValidCollapseId(plain)) return plain;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(spaceId)));
  return `sync-${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
