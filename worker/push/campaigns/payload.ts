import type { FieldError } from "../../errors";
import { APNS_MAX_PAYLOAD_BYTES, buildApnsPayload, isValidCollapseId } from "../providers/apns/sender";
import { MAX_TTL_SECONDS, type PushMessage, visibleText } from "../providers/provider";

/**
 * Would this message be accepted by both FCM and APNs as our clients build it? The campaigns
 * route answers `400 invalid_body` with these errors before anything is queued, so a mistake
 * costs one request rather than one failed send per device. Paths match the campaign body.
 */

const FCM_MAX_PAYLOAD_BYTES = 4096;
/** FCM rejects these data keys (and any starting with "google" or "gcm"); "aps" would clash in APNs. */
const RESERVED_DATA_KEYS = new Set(["from", "notification", "message_type", "collapse_key", "aps"]);
const RESERVED_DATA_PREFIXES = ["google", "gcm"];

export function validatePushPayload(message: PushMessage): FieldError[] {
  const errors: FieldError[] = [];
  const data: unknown = message.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    errors.push({ path: "data", message: "must be an object of string values" });
  } else {
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      if (typeof value !== "string") {
        errors.push({ path: `data.${key}`, message: "must be a string (FCM accepts string values only)" });
      }
      const lower = key.toLowerCase();
      if (key === "") {
        errors.push({ path: "data", message: "keys must not be empty" });
      } else if (RESERVED_DATA_KEYS.has(lower) || RESERVED_DATA_PREFIXES.some((p) => lower.startsWith(p))) {
        errors.push({ path: `data.${key}`, message: "is a reserved key" });
      }
    }
  }
  if (!message.silent && !message.title && !message.body) {
    errors.push({ path: "title", message: "a visible push needs a title or a body" });
  }
  if (message.collapseKey !== undefined && !isValidCollapseId(message.collapseKey)) {
    errors.push({
      path: "collapseKey",
      message: "must be 1 to 64 bytes without control characters (it becomes a header)",
    });
  }
  const ttl = message.ttlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS)) {
    errors.push({ path: "ttlSeconds", message: `must be an integer from 0 to ${MAX_TTL_SECONDS}` });
  }
  // Sizes only mean something once the shapes are right.
  if (errors.length > 0) return errors;

  const fcmBytes = byteLength(
    JSON.stringify({
      notification: message.silent ? undefined : visibleText(message),
      data: message.data,
    }),
  );
  if (fcmBytes > FCM_MAX_PAYLOAD_BYTES) {
    errors.push({ path: "data", message: `payload is ${fcmBytes} bytes for FCM; the limit is 4096` });
  }
  const apnsBytes = byteLength(JSON.stringify(buildApnsPayload(message)));
  if (apnsBytes > APNS_MAX_PAYLOAD_BYTES) {
    errors.push({ path: "data", message: `payload is ${apnsBytes} bytes for APNs; the limit is 4096` });
  }
  return errors;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
