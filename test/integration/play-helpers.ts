import { env } from "cloudflare:workers";

/**
 * The fake Google Play's control API (test/fakes/play-control.ts), for the Play tests. The types
 * mirror test/fakes/play.ts (which is Node code the Worker's tsconfig does not see).
 */

export interface FakePlayPurchase {
  kind: "subscription" | "product";
  token: string;
  productId: string;
  userId: string | null;
  orderId: string;
  subscriptionState: string;
  expiryTime: number;
  autoRenew: boolean;
  purchaseState: number;
  acknowledged: boolean;
}

export interface PlayPush {
  messageId: string;
  type: string;
  body: { message: Record<string, unknown>; subscription: string };
  authorization: string;
}

export interface PlayAcknowledgement {
  kind: "subscription" | "product";
  token: string;
  productId: string;
}

export interface PushTokenOptions {
  aud?: string;
  email?: string;
  emailVerified?: boolean;
  iss?: string;
  expiresIn?: number;
  signWith?: "known" | "unknown-key";
  alg?: "RS256" | "ES256" | "HS256" | "none";
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${env.FAKES_CONTROL_URL}/play/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`play control ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface PurchaseAndPush {
  purchase: FakePlayPurchase;
  push: PlayPush;
}

let seq = 0;
/** A purchase token no other test uses. */
export const playToken = () => `tok-${Date.now().toString(36)}-${++seq}-${crypto.randomUUID()}`;

export function createPlayPurchase(input: {
  productId: string;
  userId?: string | null;
  kind?: "subscription" | "product";
  token?: string;
  linkedPurchaseToken?: string;
  eventTimeMillis?: number;
  pending?: boolean;
}): Promise<PurchaseAndPush> {
  return control("purchases", { token: playToken(), ...input });
}

export function playAction(
  token: string,
  action: "renew" | "cancel" | "grace" | "hold" | "recover" | "pause" | "expire" | "revoke" | "refund",
  eventTimeMillis?: number,
): Promise<PurchaseAndPush> {
  return control("purchases/action", { token, action, eventTimeMillis });
}

export async function playPush(
  notification: Record<string, unknown>,
  overrides: {
    packageName?: string;
    eventTimeMillis?: number;
    messageId?: string;
    token?: PushTokenOptions;
  } = {},
): Promise<PlayPush> {
  return (await control<{ push: PlayPush }>("push", { notification, ...overrides })).push;
}

export function playAcknowledgements(token: string): Promise<PlayAcknowledgement[]> {
  return control(`acknowledgements?token=${encodeURIComponent(token)}`);
}

export function playPurchase(token: string): Promise<FakePlayPurchase> {
  return control(`purchases?token=${encodeURIComponent(token)}`);
}

/** The next `times` Play Developer API calls about `token` (of that kind) answer `status`. */
export async function failPlayApi(
  token: string,
  status: number,
  times = 1,
  operation: "get" | "acknowledge" | "any" = "any",
): Promise<void> {
  await control("fail", { token, status, times, operation });
}

export async function pushToken(options: PushTokenOptions = {}): Promise<string> {
  return (await control<{ token: string }>("push-token", options)).token;
}
