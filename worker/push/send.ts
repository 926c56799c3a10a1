import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "../db/client";
import { devices } from "../db/schema";
import { countMetric, type WaitUntil } from "../ops/metrics";
import { createApnsProvider } from "./apns";
import { backoffSeconds } from "./classify";
import { createFcmProvider } from "./fcm";
import type { PushMessage, PushOutcome, PushProvider, PushTarget } from "./provider";

/**
 * The one entry point for sending: picks the client by the device's registered provider (an iOS
 * device registered with `pushProvider: "fcm"` goes through FCM, never APNs) and counts the
 * outcome. Retries are the caller's business (the queue for campaigns); this sends once, plus at
 * most one resend after refreshing an expired credential.
 */
export async function sendPush(
  env: Env,
  target: PushTarget,
  message: PushMessage,
  attempt = 1,
  options: { ctx?: WaitUntil } = {},
): Promise<PushOutcome> {
  let outcome: PushOutcome;
  if (target.provider === "apns" && target.platform !== "ios") {
    outcome = { kind: "failed", reason: "provider_platform_mismatch" };
  } else {
    try {
      outcome = await providerFor(env, target).send(target, message, attempt);
    } catch (error) {
      // The clients turn every provider answer and network failure into an outcome; reaching
      // here is a bug of ours. Retrying keeps the device's push instead of losing the batch.
      console.error(
        JSON.stringify({
          level: "error",
          message: "push send threw",
          provider: target.provider,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      outcome = {
        kind: "retry",
        delaySeconds: backoffSeconds(attempt, Math.random),
        reason: "internal_error",
      };
    }
  }
  recordOutcome(env, options.ctx, target, outcome);
  return outcome;
}

function providerFor(env: Env, target: PushTarget): PushProvider {
  return target.provider === "fcm" ? createFcmProvider(env) : createApnsProvider(env);
}

function recordOutcome(env: Env, ctx: WaitUntil | undefined, target: PushTarget, outcome: PushOutcome): void {
  switch (outcome.kind) {
    case "sent":
      countMetric(env, ctx, "outpost_push_sent_total", { provider: target.provider });
      break;
    case "failed":
      countMetric(env, ctx, "outpost_push_failed_total", { reason: outcome.reason });
      break;
    case "prune":
      countMetric(env, ctx, "outpost_push_pruned_total", { provider: target.provider });
      break;
    case "retry":
      break;
  }
}

/**
 * Marks a token the provider called dead, so targeting skips the device until the app registers
 * a new one. Only if the device still holds that very token: a token re-registered meanwhile is
 * a fresh one and stays.
 */
export async function pruneDeadToken(
  db: D1Database,
  target: Pick<PushTarget, "deviceId" | "token">,
  now = Date.now(),
): Promise<boolean> {
  const rows = await getDb(db)
    .update(devices)
    .set({ pushTokenInvalidAt: now })
    .where(
      and(
        eq(devices.id, target.deviceId),
        eq(devices.pushToken, target.token),
        isNull(devices.pushTokenInvalidAt),
      ),
    )
    .returning({ id: devices.id });
  return rows.length > 0;
}
