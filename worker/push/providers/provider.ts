/**
 * The one interface every push provider client implements (one folder per provider beside this
 * file, each with its credential minter), and the shapes shared by the sender, the campaign
 * fan-out and sync's silent pushes.
 */

/** Which service delivers to a device: the `devices.push_provider` column. */
export type PushProviderName = "fcm" | "apns";

/** FCM's default and maximum time to live (four weeks); APNs gets the same default from us. */
export const MAX_TTL_SECONDS = 2_419_200;

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

/** The visible text (title and body, when given): FCM's `notification`, APNs' `alert`. */
export function visibleText(message: Pick<PushMessage, "title" | "body">): Record<string, string> {
  const text: Record<string, string> = {};
  if (message.title !== undefined) text.title = message.title;
  if (message.body !== undefined) text.body = message.body;
  return text;
}

/** What one send to one device came to (not to be confused with a sync push's result). */
export type SendOutcome =
  | { kind: "sent"; providerMessageId?: string }
  | { kind: "retry"; delaySeconds: number; reason: string }
  | { kind: "prune"; reason: string }
  | { kind: "failed"; reason: string };

/** A provider's client: FCM (`fcm/sender.ts`) or APNs (`apns/sender.ts`). */
export interface PushSender {
  /** `attempt` starts at 1; it drives the backoff when the provider gives no Retry-After. */
  send(target: PushTarget, message: PushMessage, attempt: number): Promise<SendOutcome>;
}
