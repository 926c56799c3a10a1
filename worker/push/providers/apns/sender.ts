import { classifyPushResult, networkRetry, readBody } from "../classify";
import {
  MAX_TTL_SECONDS,
  type PushMessage,
  type PushSender,
  type PushTarget,
  type SendOutcome,
  visibleText,
} from "../provider";
import { getApnsProviderToken, reportApnsTokenExpired } from "./credentials-client";

/**
 * APNs with token auth: `POST {APNS_API_BASE}/3/device/{token}`.
 *
 * Transport seam: APNs speaks only HTTP/2, and whether a Worker's `fetch()` negotiates h2 to
 * Apple is unproven. `APNS_API_BASE` is therefore just a base URL: Apple's host directly, or an
 * HTTP/2 relay that forwards path, headers and body unchanged (see the README). iOS devices can
 * also avoid APNs entirely by registering with `pushProvider: "fcm"`.
 */

export const APNS_MAX_PAYLOAD_BYTES = 4096;
const APNS_MAX_COLLAPSE_ID_BYTES = 64;
const SEND_TIMEOUT_MS = 10_000;
/** When the 20-minute mint floor kept an expired token, wait this long before resending. */
const EXPIRED_TOKEN_RETRY_SECONDS = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The JSON body APNs receives: `aps` plus the custom data keys at top level. */
export function buildApnsPayload(message: PushMessage): Record<string, unknown> {
  const aps = message.silent ? { "content-available": 1 } : { alert: visibleText(message), sound: "default" };
  // Custom keys first, `aps` last: a data key named "aps" can never replace the real one.
  return { ...message.data, aps };
}

/** The request headers except authorization; `apns-topic` comes from config only, never from input. */
export async function buildApnsHeaders(
  env: Pick<Env, "APNS_BUNDLE_ID">,
  message: PushMessage,
  now = Date.now(),
): Promise<Record<string, string>> {
  const ttl = message.ttlSeconds ?? MAX_TTL_SECONDS;
  const headers: Record<string, string> = {
    "apns-topic": env.APNS_BUNDLE_ID,
    "apns-push-type": message.silent ? "background" : "alert",
    // Apple requires 5 for background pushes; 10 wakes the device at once.
    "apns-priority": message.silent || message.priority === "normal" ? "5" : "10",
    "apns-expiration": String(ttl === 0 ? 0 : Math.floor(now / 1000) + ttl),
    "apns-id": await apnsId(message.messageId),
    "content-type": "application/json",
  };
  if (message.collapseKey !== undefined) headers["apns-collapse-id"] = message.collapseKey;
  return headers;
}

/**
 * The stable `apns-id`: the message id itself when it is a UUID, else a UUID derived from its
 * SHA-256, so a resend of the same (campaign, device) carries the same id either way.
 */
export async function apnsId(messageId: string): Promise<string> {
  if (UUID.test(messageId)) return messageId.toLowerCase();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(messageId)));
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x80; // version 8: custom
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A collapse id APNs accepts and a header can carry: ≤ 64 bytes, printable, no CR/LF. */
export function isValidCollapseId(value: string): boolean {
  return (
    value !== "" &&
    new TextEncoder().encode(value).byteLength <= APNS_MAX_COLLAPSE_ID_BYTES &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(value)
  );
}

export function createApnsSender(env: Env): PushSender {
  return {
    async send(target, message, attempt) {
      if (!env.APNS_BUNDLE_ID || !env.APNS_KEY_ID || !env.APNS_TEAM_ID || !env.APNS_KEY_P8) {
        return { kind: "failed", reason: "apns_not_configured" };
      }
      if (message.collapseKey !== undefined && !isValidCollapseId(message.collapseKey)) {
        return { kind: "failed", reason: "BadCollapseId" };
      }
      const body = JSON.stringify(buildApnsPayload(message));
      if (new TextEncoder().encode(body).byteLength > APNS_MAX_PAYLOAD_BYTES) {
        return { kind: "failed", reason: "PayloadTooLarge" };
      }
      const url = `${env.APNS_API_BASE.replace(/\/+$/, "")}/3/device/${encodeURIComponent(target.token)}`;
      const headers = await buildApnsHeaders(env, message);

      let provider;
      try {
        provider = await getApnsProviderToken(env);
      } catch (error) {
        return minterUnavailable(error, attempt);
      }
      const result = await post(url, headers, body, provider.token, target, attempt);
      if (result.kind !== "reauth") return result;
      // 403 ExpiredProviderToken: ask the minter once, resend once if it gave us a new token.
      let fresh;
      try {
        fresh = await reportApnsTokenExpired(env, provider.token);
      } catch (error) {
        return minterUnavailable(error, attempt);
      }
      // The 20-minute floor kept the same token: resending now would only fail again.
      if (fresh.token === provider.token) return expiredRetry();
      const again = await post(url, headers, body, fresh.token, target, attempt);
      return again.kind === "reauth" ? expiredRetry() : again;
    },
  };
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  providerToken: string,
  target: PushTarget,
  attempt: number,
): Promise<SendOutcome | { kind: "reauth" }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { ...headers, authorization: `bearer ${providerToken}` },
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    return networkRetry(error, attempt);
  }
  const result = classifyPushResult("apns", res.status, await readBody(res), {
    retryAfterHeader: res.headers.get("retry-after"),
    attempt,
    tokenUpdatedAt: target.tokenUpdatedAt,
  });
  if (result.kind === "failed" && result.reason === "TooManyProviderTokenUpdates") {
    // Only a broken minter (or a second deployment minting for the same team) causes this.
    console.error(
      JSON.stringify({
        level: "error",
        message: "APNs TooManyProviderTokenUpdates: provider tokens are being re-minted too often",
      }),
    );
  }
  if (result.kind === "sent") {
    const id = res.headers.get("apns-id");
    return id ? { kind: "sent", providerMessageId: id } : result;
  }
  return result;
}

function expiredRetry(): SendOutcome {
  return { kind: "retry", delaySeconds: EXPIRED_TOKEN_RETRY_SECONDS, reason: "ExpiredProviderToken" };
}

function minterUnavailable(error: unknown, attempt: number): SendOutcome {
  console.error(
    JSON.stringify({
      level: "error",
      message: "APNs provider token unavailable",
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  return networkRetry(error, attempt);
}
