import { env } from "cloudflare:workers";
import { call } from "../setup/http";
import { apnsToken } from "./push-provider-control";

/** Shared by the device registration and ownership tests. */

/** A whole `PUT /v1/devices/{id}` body (an iPhone on APNs with a fresh token), with overrides. */
export const registration = (overrides: Record<string, unknown> = {}) => ({
  platform: "ios",
  pushProvider: "apns",
  pushToken: apnsToken(),
  appVersion: "3.2.1",
  locale: "de-CH",
  timezone: "Europe/Zurich",
  topics: ["news"],
  ...overrides,
});

export const put = (token: string, deviceId: string, json: unknown) =>
  call(`/v1/devices/${deviceId}`, { method: "PUT", token, json });

/** The stored row and topics, straight from D1, so a refused request can be shown to change nothing. */
export async function rowOf(deviceId: string) {
  const row = await env.DB.prepare("SELECT * FROM devices WHERE id = ?").bind(deviceId).first();
  const topics = await env.DB.prepare("SELECT topic FROM device_topics WHERE device_id = ? ORDER BY topic")
    .bind(deviceId)
    .all<{ topic: string }>();
  return { row, topics: topics.results.map((t) => t.topic) };
}
