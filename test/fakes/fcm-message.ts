import type { DeliverySummary } from "./deliveries";
import { isRecord } from "./http-util";

/** FCM's documented limit for the notification + data payload (2048 for topic sends). */
export const FCM_MAX_PAYLOAD_BYTES = 4096;
export const FCM_MAX_TOPIC_PAYLOAD_BYTES = 2048;
const MAX_TTL_SECONDS = 2_419_200;

export const INVALID_TOKEN_MESSAGE = "The registration token is not a valid FCM registration token";

export type FcmMessageCheck =
  | { ok: true; target: string; targetToken: string | null; summary: DeliverySummary }
  | { ok: false; message: string };

// The proto JSON parser accepts both the proto (snake_case) and lowerCamel names.
const MESSAGE_FIELDS = new Set([
  "name",
  "data",
  "notification",
  "android",
  "webpush",
  "apns",
  "fcm_options",
  "fcmOptions",
  "token",
  "topic",
  "condition",
]);
const NOTIFICATION_FIELDS = new Set(["title", "body", "image"]);
const ANDROID_FIELDS = new Set([
  "collapse_key",
  "collapseKey",
  "priority",
  "ttl",
  "restricted_package_name",
  "restrictedPackageName",
  "data",
  "notification",
  "fcm_options",
  "fcmOptions",
  "direct_boot_ok",
  "directBootOk",
]);
const APNS_FIELDS = new Set(["headers", "payload", "fcm_options", "fcmOptions", "live_activity_token"]);
const WEBPUSH_FIELDS = new Set(["headers", "data", "notification", "fcm_options", "fcmOptions"]);

function unknownField(obj: Record<string, unknown>, allowed: Set<string>, at: string): string | undefined {
  const extra = Object.keys(obj).find((k) => !allowed.has(k));
  return extra === undefined
    ? undefined
    : `Invalid JSON payload received. Unknown name "${extra}" at '${at}': Cannot find field.`;
}

function checkStringMap(value: unknown, at: string): string | undefined {
  if (!isRecord(value)) return `Invalid value at '${at}': expected an object of strings`;
  for (const [i, [key, v]] of Object.entries(value).entries()) {
    if (typeof v !== "string") {
      return `Invalid value at '${at}[${i}].value' (TYPE_STRING), ${JSON.stringify(v)} (key "${key}")`;
    }
  }
  return undefined;
}

function checkData(value: unknown, at: string): string | undefined {
  const err = checkStringMap(value, at);
  if (err) return err;
  for (const key of Object.keys(value as Record<string, string>)) {
    const lower = key.toLowerCase();
    if (key === "from" || key === "message_type" || lower.startsWith("google") || lower.startsWith("gcm")) {
      return `Invalid data payload key: ${key}`;
    }
  }
  return undefined;
}

function checkAndroid(android: unknown): string | undefined {
  if (!isRecord(android)) return "Invalid value at 'message.android': expected an object";
  const extra = unknownField(android, ANDROID_FIELDS, "message.android");
  if (extra) return extra;
  if (android.data !== undefined) {
    const err = checkData(android.data, "message.android.data");
    if (err) return err;
  }
  if (android.priority !== undefined) {
    const p = typeof android.priority === "string" ? android.priority.toUpperCase() : "";
    if (p !== "NORMAL" && p !== "HIGH") {
      return `Invalid value at 'message.android.priority' (type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), ${JSON.stringify(android.priority)}`;
    }
  }
  if (android.ttl !== undefined) {
    const m = typeof android.ttl === "string" ? /^(\d+)(\.\d{1,9})?s$/.exec(android.ttl) : null;
    if (!m || Number(m[1]) > MAX_TTL_SECONDS) {
      return `Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(android.ttl)}`;
    }
  }
  if (android.notification !== undefined && !isRecord(android.notification)) {
    return "Invalid value at 'message.android.notification': expected an object";
  }
  return undefined;
}

function checkApns(apns: unknown): string | undefined {
  if (!isRecord(apns)) return "Invalid value at 'message.apns': expected an object";
  const extra = unknownField(apns, APNS_FIELDS, "message.apns");
  if (extra) return extra;
  if (apns.headers !== undefined) {
    const err = checkStringMap(apns.headers, "message.apns.headers");
    if (err) return err;
  }
  if (apns.payload !== undefined) {
    if (!isRecord(apns.payload)) return "Invalid value at 'message.apns.payload': expected an object";
    if (Buffer.byteLength(JSON.stringify(apns.payload)) > FCM_MAX_PAYLOAD_BYTES) {
      return "Request contains an invalid argument: APNs payload is too big";
    }
  }
  return undefined;
}

/**
 * Validates the `message` of a `messages:send` body the way FCM HTTP v1 does (the checks a sender
 * can get wrong): known fields only, exactly one target, string data values, reserved data keys,
 * payload size, android priority/ttl shapes, string APNs headers.
 */
export function checkFcmMessage(message: unknown): FcmMessageCheck {
  if (!isRecord(message)) return { ok: false, message: "Invalid value at 'message': expected an object" };
  const extra = unknownField(message, MESSAGE_FIELDS, "message");
  if (extra) return { ok: false, message: extra };

  const targets = (["token", "topic", "condition"] as const).filter((k) => message[k] !== undefined);
  if (targets.length !== 1) {
    return { ok: false, message: "Exactly one of token, topic or condition must be specified." };
  }
  const kind = targets[0] as "token" | "topic" | "condition";
  const value = message[kind];
  if (typeof value !== "string" || value.trim() === "") {
    return { ok: false, message: kind === "token" ? INVALID_TOKEN_MESSAGE : `Invalid ${kind}` };
  }
  // Real tokens are long base64url-ish strings; anything with other characters is not one.
  if (kind === "token" && !/^[\w:.-]+$/.test(value)) return { ok: false, message: INVALID_TOKEN_MESSAGE };
  if (kind === "topic" && !/^(\/topics\/)?[a-zA-Z0-9\-_.~%]{1,900}$/.test(value)) {
    return { ok: false, message: "Invalid topic name" };
  }

  if (message.notification !== undefined) {
    if (!isRecord(message.notification)) {
      return { ok: false, message: "Invalid value at 'message.notification': expected an object" };
    }
    const err =
      unknownField(message.notification, NOTIFICATION_FIELDS, "message.notification") ??
      checkStringMap(message.notification, "message.notification");
    if (err) return { ok: false, message: err };
  }
  if (message.data !== undefined) {
    const err = checkData(message.data, "message.data");
    if (err) return { ok: false, message: err };
  }
  if (message.android !== undefined) {
    const err = checkAndroid(message.android);
    if (err) return { ok: false, message: err };
  }
  if (message.apns !== undefined) {
    const err = checkApns(message.apns);
    if (err) return { ok: false, message: err };
  }
  if (message.webpush !== undefined) {
    const err = isRecord(message.webpush)
      ? unknownField(message.webpush, WEBPUSH_FIELDS, "message.webpush")
      : "Invalid value at 'message.webpush': expected an object";
    if (err) return { ok: false, message: err };
  }
  const options = message.fcm_options ?? message.fcmOptions;
  if (options !== undefined) {
    const label = isRecord(options) ? (options.analytics_label ?? options.analyticsLabel) : undefined;
    if (!isRecord(options) || (label !== undefined && !/^[a-zA-Z0-9\-_.~%]{1,50}$/.test(String(label)))) {
      return { ok: false, message: "Invalid value at 'message.fcm_options'" };
    }
  }

  const size = Buffer.byteLength(JSON.stringify({ notification: message.notification, data: message.data }));
  const limit = kind === "token" ? FCM_MAX_PAYLOAD_BYTES : FCM_MAX_TOPIC_PAYLOAD_BYTES;
  if (size > limit) return { ok: false, message: `Message is too big (${size} bytes, limit ${limit})` };

  return {
    ok: true,
    target: kind === "token" ? value : `${kind}:${value}`,
    targetToken: kind === "token" ? value : null,
    summary: summarizeFcmMessage(message),
  };
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** What a phone would show: the first title/body found across the generic and platform blocks. */
export function summarizeFcmMessage(message: Record<string, unknown>): DeliverySummary {
  const notification = isRecord(message.notification) ? message.notification : {};
  const android = isRecord(message.android) ? message.android : undefined;
  const androidNotification = android && isRecord(android.notification) ? android.notification : {};
  const apns = isRecord(message.apns) ? message.apns : undefined;
  const apnsHeaders = apns && isRecord(apns.headers) ? apns.headers : {};
  const aps = apns && isRecord(apns.payload) && isRecord(apns.payload.aps) ? apns.payload.aps : {};
  const alert = aps.alert;
  const apsTitle = typeof alert === "string" ? null : isRecord(alert) ? str(alert.title) : null;
  const apsBody = typeof alert === "string" ? alert : isRecord(alert) ? str(alert.body) : null;
  const title = str(notification.title) ?? str(androidNotification.title) ?? apsTitle;
  const body = str(notification.body) ?? str(androidNotification.body) ?? apsBody;
  const platform = android
    ? "android"
    : apns
      ? "ios (via FCM)"
      : message.webpush !== undefined
        ? "web (via FCM)"
        : "fcm";
  return {
    platform,
    title,
    body,
    silent: title === null && body === null,
    data: isRecord(message.data) ? message.data : {},
    collapseId:
      str(android?.collapse_key) ?? str(android?.collapseKey) ?? str(apnsHeaders["apns-collapse-id"]),
    priority: str(android?.priority) ?? str(apnsHeaders["apns-priority"]),
  };
}
