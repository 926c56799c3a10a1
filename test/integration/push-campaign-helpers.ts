import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { PushJob } from "../../worker/push/campaigns/jobs";
import { handleQueue } from "../../worker/push/campaigns/queue-consumer";
import { adminHeaders, anonymousUser, call, type SignedIn } from "../setup/http";
import { apnsToken, deliveries, fcmToken, type Delivery } from "./push-provider-control";

/** Shared by the campaign, fan-out, schedule and inbox tests. */

export interface DeviceSpec {
  platform?: "ios" | "android";
  pushProvider?: "apns" | "fcm";
  pushToken?: string;
  appVersion?: string;
  locale?: string;
  timezone?: string;
  topics?: string[];
}

export interface Registered {
  user: SignedIn;
  deviceId: string;
  provider: "apns" | "fcm";
  token: string;
}

/** Registers a device for `user` (a fresh anonymous user when omitted) through the public API. */
export async function registerDevice(spec: DeviceSpec = {}, user?: SignedIn): Promise<Registered> {
  const owner = user ?? (await anonymousUser());
  const deviceId = user ? crypto.randomUUID() : owner.deviceId;
  const platform = spec.platform ?? "ios";
  const pushProvider = spec.pushProvider ?? (platform === "ios" ? "apns" : "fcm");
  const pushToken = spec.pushToken ?? (pushProvider === "apns" ? apnsToken() : fcmToken());
  const res = await call(`/v1/devices/${deviceId}`, {
    method: "PUT",
    token: owner.accessToken,
    json: {
      platform,
      pushProvider,
      pushToken,
      appVersion: spec.appVersion ?? "3.2.1",
      locale: spec.locale ?? "en-US",
      timezone: spec.timezone ?? "UTC",
      topics: spec.topics ?? [],
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return { user: owner, deviceId, provider: pushProvider, token: pushToken };
}

export const admin = () => adminHeaders(env.ADMIN_API_KEY);

export function createCampaign(
  body: unknown,
  idempotencyKey?: string,
  headers: Record<string, string> = admin(),
) {
  return call("/v1/push/campaigns", {
    method: "POST",
    json: body,
    headers: idempotencyKey ? { ...headers, "Idempotency-Key": idempotencyKey } : headers,
  });
}

export async function createOk(
  body: unknown,
  idempotencyKey?: string,
): Promise<{ id: string; status: string }> {
  const res = await createCampaign(body, idempotencyKey);
  expect(res.status, await res.clone().text()).toBe(202);
  return res.json();
}

export interface CampaignView {
  id: string;
  status: string;
  stats: {
    targeted: number;
    sent: number;
    failed: Record<string, number>;
    pruned: number;
    opened: number;
    pending: number;
    cancelled: number;
    withheld: Record<string, number>;
  };
}

export async function getCampaign(id: string): Promise<CampaignView> {
  const res = await call(`/v1/push/campaigns/${id}`, { headers: admin() });
  expect(res.status).toBe(200);
  return res.json();
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  intervalMs = 150,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the campaign has no pending rows and is marked sent. */
export function waitUntilSent(id: string, timeoutMs = 15_000): Promise<CampaignView> {
  return waitFor(
    `campaign ${id} to be sent`,
    async () => {
      const view = await getCampaign(id);
      return view.status === "sent" ? view : undefined;
    },
    timeoutMs,
  );
}

export function deliveriesTo(d: Pick<Registered, "provider" | "token">): Promise<Delivery[]> {
  return deliveries(d.provider, d.token);
}

export interface LedgerRow {
  device_id: string;
  user_id: string;
  token_hash: string | null;
  state: string;
  attempts: number;
  last_error: string | null;
  opened_at: number | null;
}

export async function ledger(campaignId: string): Promise<LedgerRow[]> {
  const rows = await env.DB.prepare(
    "SELECT device_id, user_id, token_hash, state, attempts, last_error, opened_at FROM push_deliveries WHERE campaign_id = ? ORDER BY device_id",
  )
    .bind(campaignId)
    .all<LedgerRow>();
  return rows.results;
}

export async function campaignCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM push_campaigns").first<{ n: number }>();
  return row?.n ?? 0;
}

export function visible<T extends Record<string, unknown>>(over: T = {} as T) {
  return { title: "Hello", body: "World", data: { screen: "inbox" } as Record<string, unknown>, ...over };
}

/** Hands push-queue messages to the consumer as the queue would (at least once, maybe again). */
export async function runBatch(jobs: PushJob[], queue = "outpost-push") {
  const batch = createMessageBatch(
    queue,
    jobs.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await handleQueue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** A campaign whose ledger rows exist but whose bucket fires hours from now: nothing sent yet. */
export async function plannedButNotDispatched(devices: Registered[], over: Record<string, unknown> = {}) {
  const later = new Date(Date.now() + 6 * 3600_000);
  const localTime = `${String(later.getUTCHours()).padStart(2, "0")}:${String(later.getUTCMinutes()).padStart(2, "0")}`;
  const created = await createOk(
    visible({ ...over, localTime, target: { deviceIds: devices.map((d) => d.deviceId) } }),
  );
  expect(created.status).toBe("scheduled");
  await waitFor("the plan", async () =>
    (await ledger(created.id)).length === devices.length ? true : undefined,
  );
  return created.id;
}
