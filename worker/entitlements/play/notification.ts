import { z } from "zod";

/**
 * The body of a Pub/Sub push (`{message: {data, messageId, publishTime, attributes}, subscription}`)
 * and the Play real-time developer notification base64-encoded in `message.data`. Unknown fields
 * are ignored (Google adds them); a body without what we need is refused before anything is
 * stored.
 */

const digits = z.string().regex(/^\d{1,16}$/);
const token = z.string().min(1).max(4096);

const envelope = z.object({
  message: z.object({
    data: z.string().min(1),
    // Pub/Sub sends both spellings; either one is the idempotency key.
    messageId: z.string().min(1).max(200).optional(),
    message_id: z.string().min(1).max(200).optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});

const developerNotification = z.object({
  version: z.string(),
  packageName: z.string().min(1),
  eventTimeMillis: digits,
  subscriptionNotification: z
    .object({
      version: z.string(),
      notificationType: z.number().int(),
      purchaseToken: token,
      subscriptionId: z.string().min(1),
    })
    .optional(),
  oneTimeProductNotification: z
    .object({
      version: z.string(),
      notificationType: z.number().int(),
      purchaseToken: token,
      sku: z.string().min(1),
    })
    .optional(),
  voidedPurchaseNotification: z
    .object({
      purchaseToken: token,
      orderId: z.string(),
      /** 1 subscription, 2 one-time product. */
      productType: z.number().int(),
      /** 1 full refund, 2 quantity-based partial refund. */
      refundType: z.number().int().optional(),
    })
    .optional(),
  testNotification: z.object({ version: z.string() }).optional(),
});

export type DeveloperNotification = z.infer<typeof developerNotification>;

/** What a push carries, decoded: one of the four kinds of notification. */
export type PlayNotice =
  | { kind: "subscription"; purchaseToken: string; subscriptionId: string; notificationType: number }
  | { kind: "one_time_product"; purchaseToken: string; productId: string; notificationType: number }
  | {
      kind: "voided";
      purchaseToken: string;
      orderId: string;
      productType: "subscription" | "one_time_product";
    }
  | { kind: "test" };

export interface DecodedPush {
  messageId: string;
  packageName: string;
  eventTimeMillis: number;
  notice: PlayNotice;
  /** The notification's name, for the record kept for support (e.g. SUBSCRIPTION_RENEWED). */
  type: string;
  /** The decoded notification JSON, as Google sent it. */
  raw: string;
}

export class InvalidPush extends Error {
  override name = "InvalidPush";
}

/** subscriptionNotification.notificationType names (Play Billing RTDN reference). */
const SUBSCRIPTION_TYPES: Record<number, string> = {
  1: "SUBSCRIPTION_RECOVERED",
  2: "SUBSCRIPTION_RENEWED",
  3: "SUBSCRIPTION_CANCELED",
  4: "SUBSCRIPTION_PURCHASED",
  5: "SUBSCRIPTION_ON_HOLD",
  6: "SUBSCRIPTION_IN_GRACE_PERIOD",
  7: "SUBSCRIPTION_RESTARTED",
  8: "SUBSCRIPTION_PRICE_CHANGE_CONFIRMED",
  9: "SUBSCRIPTION_DEFERRED",
  10: "SUBSCRIPTION_PAUSED",
  11: "SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED",
  12: "SUBSCRIPTION_REVOKED",
  13: "SUBSCRIPTION_EXPIRED",
  19: "SUBSCRIPTION_PRICE_CHANGE_UPDATED",
  20: "SUBSCRIPTION_PENDING_PURCHASE_CANCELED",
};
export const SUBSCRIPTION_REVOKED = 12;

const ONE_TIME_TYPES: Record<number, string> = {
  1: "ONE_TIME_PRODUCT_PURCHASED",
  2: "ONE_TIME_PRODUCT_CANCELED",
};

/** Decodes a push body (already parsed JSON); throws InvalidPush when it is not one. */
export function decodePush(body: unknown): DecodedPush {
  const outer = envelope.safeParse(body);
  if (!outer.success) throw new InvalidPush("not a Pub/Sub push envelope");
  const messageId = outer.data.message.messageId ?? outer.data.message.message_id;
  if (messageId === undefined) throw new InvalidPush("no messageId");
  const raw = decodeBase64Utf8(outer.data.message.data);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new InvalidPush("message.data is not JSON");
  }
  const parsed = developerNotification.safeParse(json);
  if (!parsed.success) throw new InvalidPush("message.data is not a developer notification");
  const n = parsed.data;
  const eventTimeMillis = Number(n.eventTimeMillis);
  const kinds = [
    n.subscriptionNotification,
    n.oneTimeProductNotification,
    n.voidedPurchaseNotification,
    n.testNotification,
  ].filter((k) => k !== undefined);
  if (kinds.length !== 1) throw new InvalidPush("a notification carries exactly one kind");
  const base = { messageId, packageName: n.packageName, eventTimeMillis, raw };
  if (n.subscriptionNotification) {
    const s = n.subscriptionNotification;
    return {
      ...base,
      type: SUBSCRIPTION_TYPES[s.notificationType] ?? `SUBSCRIPTION_${s.notificationType}`,
      notice: {
        kind: "subscription",
        purchaseToken: s.purchaseToken,
        subscriptionId: s.subscriptionId,
        notificationType: s.notificationType,
      },
    };
  }
  if (n.oneTimeProductNotification) {
    const o = n.oneTimeProductNotification;
    return {
      ...base,
      type: ONE_TIME_TYPES[o.notificationType] ?? `ONE_TIME_PRODUCT_${o.notificationType}`,
      notice: {
        kind: "one_time_product",
        purchaseToken: o.purchaseToken,
        productId: o.sku,
        notificationType: o.notificationType,
      },
    };
  }
  if (n.voidedPurchaseNotification) {
    const v = n.voidedPurchaseNotification;
    if (v.productType !== 1 && v.productType !== 2) throw new InvalidPush("unknown voided productType");
    return {
      ...base,
      type: "VOIDED_PURCHASE",
      notice: {
        kind: "voided",
        purchaseToken: v.purchaseToken,
        orderId: v.orderId,
        productType: v.productType === 1 ? "subscription" : "one_time_product",
      },
    };
  }
  return { ...base, type: "TEST", notice: { kind: "test" } };
}

function decodeBase64Utf8(data: string): string {
  // Pub/Sub uses standard base64; accept the URL-safe alphabet too, refuse anything else.
  const standard = data.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) throw new InvalidPush("message.data is not base64");
  let binary: string;
  try {
    binary = atob(standard);
  } catch {
    throw new InvalidPush("message.data is not base64");
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InvalidPush("message.data is not UTF-8");
  }
}
