import { countMetric, type WaitUntil } from "../ops/metrics";
import { createApnsSender } from "./providers/apns/sender";
import { backoffSeconds } from "./providers/classify";
import { createFcmSender } from "./providers/fcm/sender";
import type { PushMessage, PushSender, PushTarget, SendOutcome } from "./providers/provider";

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
): Promise<SendOutcome> {
  let outcome: SendOutcome;
  if (target.provider === "apns" && target.platform !== "ios") {
    outcome = { kind: "failed", reason: "provider_platform_mismatch" };
  } else {
    try {
      outcome = await senderFor(env, target).send(target, message, attempt);
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

function senderFor(env: Env, target: PushTarget): PushSender {
  return target.provider === "fcm" ? createFcmSender(env) : createApnsSender(env);
}

function recordOutcome(env: Env, ctx: WaitUntil | undefined, target: PushTarget, outcome: SendOutcome): void {
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
