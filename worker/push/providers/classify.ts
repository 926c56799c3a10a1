import type { SendOutcome, PushProviderName } from "./provider";

/** Re-auth means: our credential (FCM OAuth token, APNs provider token) expired; refresh and resend. */
export type ClassifiedResult = SendOutcome | { kind: "reauth" };

export interface ClassifyContext {
  retryAfterHeader?: string | null;
  /** 1 for the first try; drives the exponential backoff. */
  attempt: number;
  /** When the app registered this token (ms since epoch); APNs 410 prunes only if Apple saw it die later. */
  tokenUpdatedAt: number | null;
  /** Injected for tests: jitter source in [0, 1). */
  random?: () => number;
  /** Injected for tests: "now" in ms, to turn an HTTP-date Retry-After into seconds. */
  now?: number;
}

/** The first backoff step and its cap (seconds): 1, 2, 4 … 300. */
const BACKOFF_BASE_SECONDS = 1;
const BACKOFF_CAP_SECONDS = 300;
/** Queues accept delays up to 24 h; a longer Retry-After is clamped. */
const MAX_RETRY_DELAY_SECONDS = 86_400;

const FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
const FCM_INVALID_TOKEN_MESSAGE = "The registration token is not a valid FCM registration token";

/**
 * Turns one provider answer into what the sender does next. Pure: the same answer and context
 * always give the same outcome, so every row of the providers' error tables is unit-tested.
 * `body` is the parsed JSON body, or the raw text when it was not JSON.
 */
export function classifyPushResult(
  provider: PushProviderName,
  status: number,
  body: unknown,
  context: ClassifyContext,
): ClassifiedResult {
  return provider === "fcm" ? classifyFcm(status, body, context) : classifyApns(status, body, context);
}

function classifyFcm(status: number, body: unknown, context: ClassifyContext): ClassifiedResult {
  if (status >= 200 && status < 300) {
    const name = field(body, "name");
    return typeof name === "string" ? { kind: "sent", providerMessageId: name } : { kind: "sent" };
  }
  const error = field(body, "error");
  const errorCode = fcmErrorCode(error);
  const topStatus = field(error, "status");
  const message = field(error, "message");

  switch (errorCode) {
    case "UNREGISTERED":
      return { kind: "prune", reason: "UNREGISTERED" };
    case "INVALID_ARGUMENT":
      // INVALID_ARGUMENT also covers payload, data-key and TTL mistakes: pruning on those would
      // delete healthy tokens, so only the token-specific message prunes.
      if (typeof message === "string" && message.includes(FCM_INVALID_TOKEN_MESSAGE)) {
        return { kind: "prune", reason: "INVALID_REGISTRATION_TOKEN" };
      }
      return { kind: "failed", reason: "INVALID_ARGUMENT" };
    case "SENDER_ID_MISMATCH":
    case "THIRD_PARTY_AUTH_ERROR":
      // Configuration problems: the token may be fine for the right project or certificate.
      return { kind: "failed", reason: errorCode };
    case "QUOTA_EXCEEDED":
    case "UNAVAILABLE":
    case "INTERNAL":
      return retry(errorCode, context);
  }
  if (status === 401 || topStatus === "UNAUTHENTICATED") return { kind: "reauth" };
  if (status === 429) return retry(typeof errorCode === "string" ? errorCode : "RATE_LIMITED", context);
  if (status >= 500) return retry(typeof errorCode === "string" ? errorCode : `HTTP_${status}`, context);
  if (typeof errorCode === "string") return { kind: "failed", reason: errorCode };
  return { kind: "failed", reason: typeof topStatus === "string" ? topStatus : `HTTP_${status}` };
}

function fcmErrorCode(error: unknown): string | undefined {
  const details = field(error, "details");
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (field(detail, "@type") !== FCM_ERROR_TYPE) continue;
    const code = field(detail, "errorCode");
    if (typeof code === "string") return code;
  }
  return undefined;
}

function classifyApns(status: number, body: unknown, context: ClassifyContext): ClassifiedResult {
  if (status >= 200 && status < 300) return { kind: "sent" };
  const rawReason = field(body, "reason");
  const reason = typeof rawReason === "string" && rawReason !== "" ? rawReason : `HTTP_${status}`;

  if (status === 410) {
    // Apple's timestamp says when it saw the token die; a token the app registered after that is
    // a fresh one and must survive. With no timestamp or no registration time, trust the 410.
    const diedAt = apnsTimestamp(field(body, "timestamp"));
    if (diedAt !== undefined && context.tokenUpdatedAt !== null && diedAt <= context.tokenUpdatedAt) {
      return { kind: "failed", reason: `${reason}_STALE` };
    }
    return { kind: "prune", reason };
  }
  if (status === 400 && (reason === "BadDeviceToken" || reason === "DeviceTokenNotForTopic")) {
    return { kind: "prune", reason };
  }
  if (status === 403 && reason === "ExpiredProviderToken") return { kind: "reauth" };
  if (status === 429) {
    // Too many token updates is our minter's fault; retrying only digs the hole deeper.
    if (reason === "TooManyProviderTokenUpdates") return { kind: "failed", reason };
    return retry(reason, context);
  }
  if (status >= 500) return retry(reason, context);
  return { kind: "failed", reason };
}

/** Apple sends milliseconds since the epoch, as a number (some relays pass it on as a string). */
function apnsTimestamp(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function retry(reason: string, context: ClassifyContext): SendOutcome {
  const fromHeader = parseRetryAfter(context.retryAfterHeader, context.now ?? Date.now());
  return {
    kind: "retry",
    delaySeconds: fromHeader ?? backoffSeconds(context.attempt, context.random ?? Math.random),
    reason,
  };
}

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value), MAX_RETRY_DELAY_SECONDS);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), MAX_RETRY_DELAY_SECONDS);
}

/** 1 s, 2 s, 4 s … capped, plus up to 25% jitter so a failed fan-out does not retry in lockstep. */
export function backoffSeconds(attempt: number, random: () => number): number {
  const step = Math.max(1, Math.floor(attempt)) - 1;
  const base = Math.min(BACKOFF_BASE_SECONDS * 2 ** Math.min(step, 30), BACKOFF_CAP_SECONDS);
  return Math.ceil(base * (1 + 0.25 * random()));
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as Record<string, unknown>)[key];
}

/** A timeout or a connection failure: nothing was classified, so back off and try again. */
export function networkRetry(error: unknown, attempt: number): SendOutcome {
  const timedOut = error instanceof DOMException && error.name === "TimeoutError";
  return {
    kind: "retry",
    delaySeconds: backoffSeconds(attempt, Math.random),
    reason: timedOut ? "timeout" : "network",
  };
}

/** The body as JSON when it is JSON, else its text (proxies answer HTML). */
export async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === "") return "";
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
