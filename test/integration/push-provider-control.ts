import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { PushMessage, PushTarget } from "../../worker/push/providers/provider";

/** Helpers for the push provider tests: the fakes' control API and a fetch spy. */

export interface ScriptedResponse {
  status: number;
  errorCode?: string;
  reason?: string;
  retryAfter?: number;
  timestamp?: number;
  message?: string;
}

export interface Delivery {
  provider: "fcm" | "apns";
  token: string;
  headers: Record<string, string>;
  payload: Record<string, unknown>;
  summary: { platform: string; title: string | null; body: string | null; silent: boolean };
}

async function control(path: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(`${env.FAKES_CONTROL_URL}${path}`, init);
  if (!res.ok) throw new Error(`fakes control ${path}: ${res.status} ${await res.text()}`);
  return res;
}

export async function script(
  provider: "fcm" | "apns",
  token: string,
  responses: ScriptedResponse[],
  thenSucceed = true,
): Promise<void> {
  await control(`/${provider}/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, responses, thenSucceed }),
  });
}

export async function deliveries(provider: "fcm" | "apns", token: string): Promise<Delivery[]> {
  const res = await control(`/deliveries?provider=${provider}&token=${encodeURIComponent(token)}`);
  return res.json<Delivery[]>();
}

export async function stats(): Promise<{
  fcm: { tokenRequests: number };
  apns: { providerTokens: number; tokenUpdatesTooSoon: number };
}> {
  return (await control("/stats")).json();
}

export async function setTokenUpdateRule(enabled: boolean): Promise<void> {
  await control("/apns/token-update-rule", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ enabled }),
  });
}

export async function expireFcmAccessTokens(): Promise<void> {
  await control("/fcm/expire-tokens", { method: "POST" });
}

/** A fresh APNs device token: 64 hex characters, as Apple's are. */
export function apnsToken(): string {
  return [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A fresh FCM registration token (same alphabet as real ones). */
export function fcmToken(): string {
  return `fcm-${crypto.randomUUID()}:APA91b${crypto.randomUUID().replaceAll("-", "")}`;
}

export function target(over: Partial<PushTarget> & Pick<PushTarget, "provider" | "token">): PushTarget {
  return {
    deviceId: crypto.randomUUID(),
    platform: over.provider === "apns" ? "ios" : "android",
    tokenUpdatedAt: null,
    ...over,
  };
}

export function message(over: Partial<PushMessage> = {}): PushMessage {
  return {
    title: "Hello",
    body: "World",
    data: { screen: "inbox" },
    silent: false,
    priority: "high",
    messageId: crypto.randomUUID(),
    ...over,
  };
}

/**
 * Counts this isolate's outbound requests by URL prefix while passing them through. The fakes'
 * own counters are shared by every test file running at the same time; this spy is not.
 */
export function spyOutbound(): { calls: { url: string; headers: Headers }[]; restore(): void } {
  const original = globalThis.fetch;
  const calls: { url: string; headers: Headers }[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const request = new Request(input, init);
    calls.push({ url: request.url, headers: new Headers(request.headers) });
    return original(request);
  });
  return { calls, restore: () => spy.mockRestore() };
}
