import {
  backoffSeconds,
  classifyPushResult,
  networkRetry,
  readBody,
  type ClassifiedResult,
} from "../classify";
import {
  MAX_TTL_SECONDS,
  type PushMessage,
  type PushSender,
  type PushTarget,
  type SendOutcome,
  visibleText,
} from "../provider";
import { GoogleAuthError } from "../../../google/service-account-token";
import { readFcmServiceAccount } from "./access-token";
import { getFcmAccessToken, refreshAfterUnauthorized } from "./credentials-client";

/** FCM HTTP v1 `messages:send`; iOS devices registered with `pushProvider: "fcm"` come through here too. */

const SEND_TIMEOUT_MS = 10_000;
const ANALYTICS_LABEL_MAX = 50;

/** The `message` of a send request, as FCM receives it (exported for payload checks and tests). */
export function buildFcmMessage(target: Pick<PushTarget, "token" | "platform">, message: PushMessage) {
  const ttl = message.ttlSeconds ?? MAX_TTL_SECONDS;
  const highPriority = !message.silent && message.priority === "high";
  const out: Record<string, unknown> = { token: target.token, data: { ...message.data } };
  if (!message.silent) out.notification = visibleText(message);
  if (target.platform === "android") {
    // Silent = data-only at normal priority: Android wakes the app without showing anything.
    const android: Record<string, unknown> = { priority: highPriority ? "HIGH" : "NORMAL", ttl: `${ttl}s` };
    if (message.collapseKey !== undefined) android.collapse_key = message.collapseKey;
    out.android = android;
  } else {
    const headers: Record<string, string> = {
      "apns-priority": highPriority ? "10" : "5",
      "apns-push-type": message.silent ? "background" : "alert",
      "apns-expiration": String(ttl === 0 ? 0 : Math.floor(Date.now() / 1000) + ttl),
    };
    if (message.collapseKey !== undefined) headers["apns-collapse-id"] = message.collapseKey;
    const aps = message.silent ? { "content-available": 1 } : { sound: "default" };
    out.apns = { headers, payload: { aps } };
  }
  const label = analyticsLabel(message.campaignId);
  if (label !== undefined) out.fcm_options = { analytics_label: label };
  return out;
}

/** FCM accepts `^[a-zA-Z0-9-_.~%]{1,50}$`: anything else becomes `_`, then the first 50. */
export function analyticsLabel(campaignId: string | undefined): string | undefined {
  if (campaignId === undefined || campaignId === "") return undefined;
  return campaignId.replace(/[^a-zA-Z0-9\-_.~%]/g, "_").slice(0, ANALYTICS_LABEL_MAX);
}

export function createFcmSender(env: Env): PushSender {
  return {
    async send(target, message, attempt) {
      let account;
      try {
        account = readFcmServiceAccount(env.FCM_SERVICE_ACCOUNT);
      } catch (error) {
        return authFailure(error, attempt);
      }
      const url = `${env.FCM_API_BASE.replace(/\/+$/, "")}/v1/projects/${encodeURIComponent(account.projectId)}/messages:send`;
      const body = JSON.stringify({ message: buildFcmMessage(target, message) });
      const tokenOr = async (get: () => Promise<string>) => {
        try {
          return await get();
        } catch (error) {
          return authFailure(error, attempt);
        }
      };
      const first = await tokenOr(() => getFcmAccessToken(env, account));
      if (typeof first !== "string") return first;
      const result = await postOnce(url, body, first, target, attempt);
      if (result.kind !== "reauth") return result;
      // 401 for our own OAuth token (revoked or expired early): one fresh token, one resend.
      const second = await tokenOr(() => refreshAfterUnauthorized(env, first));
      if (typeof second !== "string") return second;
      const again = await postOnce(url, body, second, target, attempt);
      if (again.kind !== "reauth") return again;
      return { kind: "retry", delaySeconds: backoffSeconds(attempt, Math.random), reason: "UNAUTHENTICATED" };
    },
  };
}

async function postOnce(
  url: string,
  body: string,
  accessToken: string,
  target: PushTarget,
  attempt: number,
): Promise<ClassifiedResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json; charset=utf-8" },
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    return networkRetry(error, attempt);
  }
  return classifyPushResult("fcm", res.status, await readBody(res), {
    retryAfterHeader: res.headers.get("retry-after"),
    attempt,
    tokenUpdatedAt: target.tokenUpdatedAt,
  });
}

function authFailure(error: unknown, attempt: number): SendOutcome {
  if (error instanceof GoogleAuthError && !error.retryable) {
    console.error(
      JSON.stringify({ level: "error", message: "FCM auth configuration", error: error.message }),
    );
    return { kind: "failed", reason: "fcm_auth_config" };
  }
  return {
    kind: "retry",
    delaySeconds: backoffSeconds(attempt, Math.random),
    reason: "fcm_auth_unavailable",
  };
}
