/**
 * The one interface every push provider client implements, and the shapes shared by the sender,
 * the campaign fan-out and the sync engine's silent pushes.
 */

export type PushProviderName = "fcm" | "apns";

/** One device to push to, as loaded from the `devices` table. */
export interface PushTarget {
  deviceId: string;
  provider: PushProviderName;
  token: string;
  platform: "ios" | "android";
  /** When the app registered this token (ms); APNs 410 prunes only if Apple's timestamp is later. */
  tokenUpdatedAt: number | null;
}

export interface PushMessage {
  title?: string;
  body?: string;
  /** Provider data: string values only (FCM rejects anything else). */
  data: Record<string, string>;
  /** Data-only background push: no alert, APNs `background` type at priority 5. */
  silent: boolean;
  collapseKey?: string;
  ttlSeconds?: number;
  priority: "high" | "normal";
  campaignId?: string;
  /** Stable per (campaign, device): becomes the `apns-id` (a UUID), so a resend is recognisable. */
  messageId: string;
}

export type PushOutcome =
  | { kind: "sent"; providerMessageId?: string }
  | { kind: "retry"; delaySeconds: number; reason: string }
  | { kind: "prune"; reason: string }
  | { kind: "failed"; reason: string };

export interface PushProvider {
  /** `attempt` starts at 1; it drives the backoff when the provider gives no Retry-After. */
  send(target: PushTarget, message: PushMessage, attempt: number): Promise<PushOutcome>;
}
