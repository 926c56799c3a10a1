import { getDb } from "../db/client";
import { MAX_IN_FLIGHT, runLimited } from "../lib/concurrency";
import { loadPushTargets, pruneDeadToken } from "../push/queries/push-targets";
import { sendPush } from "../push/send";
import { claimSilentPushSlots } from "../sync/queries/silent-push-log";
import { linkedDeviceIds } from "./queries/user-devices";

/**
 * Tells the user's devices that their entitlements changed, with the same silent push the sync
 * engine sends (`data.type = "entitlements"`; the app re-reads GET /v1/entitlements), so an app
 * unlocks or locks at once. It goes out whatever the 20-minute sync window says — a purchase or
 * refund is rare and the user is waiting for it — but it takes the device's slot in the shared
 * silent-push log, so sync pushes right after it wait their turn and Apple's background budget
 * (two or three an hour) holds. Never throws: a failed push must not fail the store message
 * that caused it (the app also re-reads on launch).
 */
export async function wakeUserDevices(env: Env, userId: string, now = Date.now()): Promise<number> {
  try {
    const db = getDb(env.DB);
    const ids = await linkedDeviceIds(env.DB, userId);
    const targets = [...(await loadPushTargets(db, ids)).values()].filter(
      (t) => t.userId === userId && t.unlinkedAt === null,
    );
    // cutoff = now: every slot is taken (the log records this send), none is skipped.
    await claimSilentPushSlots(
      db,
      targets.map((t) => t.deviceId),
      now,
      now,
    );
    let sent = 0;
    await runLimited(targets, MAX_IN_FLIGHT, async (target) => {
      try {
        const outcome = await sendPush(env, target, {
          data: { type: "entitlements" },
          silent: true,
          priority: "normal",
          collapseKey: "entitlements",
          messageId: crypto.randomUUID(),
        });
        if (outcome.kind === "sent") sent++;
        if (outcome.kind === "prune") await pruneDeadToken(db, target);
      } catch (error) {
        logFailure(error, target.deviceId);
      }
    });
    return sent;
  } catch (error) {
    logFailure(error, null);
    return 0;
  }
}

function logFailure(error: unknown, deviceId: string | null): void {
  console.error(
    JSON.stringify({
      level: "warn",
      message: "entitlements silent push failed",
      deviceId,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}
