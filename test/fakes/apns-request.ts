import type { DeliverySummary } from "./deliveries";
import { isRecord } from "./http-util";

export const APNS_MAX_PAYLOAD_BYTES = 4096;

export type ApnsCheck =
  | { ok: true; payload: Record<string, unknown>; summary: DeliverySummary }
  | { ok: false; status: number; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Headers Apple reads, lower-case. */
export const APNS_HEADERS = [
  "apns-topic",
  "apns-push-type",
  "apns-priority",
  "apns-expiration",
  "apns-collapse-id",
  "apns-id",
] as const;

/**
 * Everything Apple checks after the provider token, in Apple's order of concern: topic, device
 * token, headers, then payload (size first, then push type / payload consistency).
 */
export function checkApnsRequest(
  deviceToken: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
  bundleId: string,
): ApnsCheck {
  const bad = (reason: string, status = 400): ApnsCheck => ({ ok: false, status, reason });
  const topic = headers["apns-topic"];
  if (topic === undefined || topic === "") return bad("MissingTopic");
  if (topic !== bundleId) return bad("BadTopic");
  if (!/^[0-9a-f]{64,200}$/i.test(deviceToken)) return bad("BadDeviceToken");

  const id = headers["apns-id"];
  if (id !== undefined && !UUID.test(id)) return bad("BadMessageId");
  const priority = headers["apns-priority"];
  if (priority !== undefined && priority !== "5" && priority !== "10") return bad("BadPriority");
  const expiration = headers["apns-expiration"];
  if (expiration !== undefined && !/^\d+$/.test(expiration)) return bad("BadExpirationDate");
  const collapseId = headers["apns-collapse-id"];
  if (collapseId !== undefined && Buffer.byteLength(collapseId) > 64) return bad("BadCollapseId");
  const pushType = headers["apns-push-type"];
  if (pushType !== "alert" && pushType !== "background") return bad("InvalidPushType");

  if (body.length === 0) return bad("PayloadEmpty");
  if (body.length > APNS_MAX_PAYLOAD_BYTES) return bad("PayloadTooLarge", 413);
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    // Apple documents no reason for unparseable JSON; this name is the fake's own.
    return bad("BadPayload");
  }
  if (!isRecord(payload) || !isRecord(payload.aps)) return bad("BadPayload");
  const aps = payload.aps;
  const visible = aps.alert !== undefined || aps.sound !== undefined || aps.badge !== undefined;
  if (pushType === "background") {
    // Apple wants silent pushes to be exactly that, at low priority.
    if (aps["content-available"] !== 1 || visible) return bad("InvalidPushType");
    if (priority !== "5") return bad("BadPriority");
  } else if (!visible) {
    return bad("InvalidPushType");
  }
  return { ok: true, payload, summary: summarizeApnsPayload(payload, headers) };
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export function summarizeApnsPayload(
  payload: Record<string, unknown>,
  headers: Record<string, string | undefined>,
): DeliverySummary {
  const aps = isRecord(payload.aps) ? payload.aps : {};
  const alert = aps.alert;
  const title = isRecord(alert) ? str(alert.title) : null;
  const body = typeof alert === "string" ? alert : isRecord(alert) ? str(alert.body) : null;
  const data = Object.fromEntries(Object.entries(payload).filter(([k]) => k !== "aps"));
  return {
    platform: "ios",
    title,
    body,
    silent: headers["apns-push-type"] === "background",
    data,
    collapseId: headers["apns-collapse-id"] ?? null,
    priority: headers["apns-priority"] ?? "10",
  };
}
