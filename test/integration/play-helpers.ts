import { env } from "cloudflare:workers";
import type {
  FakePlayPurchase,
  PlayAcknowledgement,
  PlayAction,
  PlayPush,
  PushOverrides,
  PushTokenOptions,
} from "../fakes/play-types";
import { call } from "../setup/http";

/** The fake Google Play's control API (test/fakes/play-control.ts), and the Worker's Play routes, for the Play tests. */

export type { FakePlayPurchase, PlayPush, PushTokenOptions };

/** An entitlement as GET /v1/entitlements and the purchase reports answer it. */
export interface Entitlement {
  id: string;
  active: boolean;
  source: string;
  productId: string;
  expiresAt?: number | string | null;
  willRenew: boolean;
  inGracePeriod: boolean;
}

/** Posts a push to the webhook as Pub/Sub would (or with another `authorization`). */
export const deliverPlayPush = (
  push: Pick<PlayPush, "body" | "authorization">,
  authorization = push.authorization,
) =>
  call("/v1/webhooks/play", { method: "POST", json: push.body, headers: { Authorization: authorization } });

export async function listEntitlements(accessToken: string): Promise<Entitlement[]> {
  const res = await call("/v1/entitlements", { token: accessToken });
  if (res.status !== 200) throw new Error(`GET /v1/entitlements: ${res.status}`);
  return (await res.json<{ entitlements: Entitlement[] }>()).entitlements;
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
  action: PlayAction,
  eventTimeMillis?: number,
): Promise<PurchaseAndPush> {
  return control("purchases/action", { token, action, eventTimeMillis });
}

export async function playPush(
  notification: Record<string, unknown>,
  overrides: PushOverrides = {},
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
