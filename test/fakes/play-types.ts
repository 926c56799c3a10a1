/**
 * What the fake Google Play's control API sends and takes (test/fakes/play-control.ts). No Node
 * imports here: the workerd tests import these types too.
 */

export type PlayAction =
  "renew" | "cancel" | "grace" | "hold" | "recover" | "pause" | "expire" | "revoke" | "refund";

export interface FakePlayPurchase {
  kind: "subscription" | "product";
  token: string;
  productId: string;
  userId: string | null;
  orderId: string;
  /** subscriptionsv2 subscriptionState. */
  subscriptionState: string;
  expiryTime: number;
  autoRenew: boolean;
  linkedPurchaseToken: string | null;
  /** products.get purchaseState: 0 purchased, 1 canceled, 2 pending. */
  purchaseState: number;
  purchaseTime: number;
  acknowledged: boolean;
  test: boolean;
}

export interface PlayAcknowledgement {
  kind: "subscription" | "product";
  token: string;
  productId: string;
  at: string;
}

/** How the fake signs a push: the defaults are a genuine Pub/Sub token; each field forges one thing. */
export interface PushTokenOptions {
  aud?: string;
  email?: string;
  emailVerified?: boolean;
  iss?: string;
  /** Seconds; negative mints an expired token. */
  expiresIn?: number;
  signWith?: "known" | "unknown-key";
  alg?: "RS256" | "ES256" | "HS256" | "none";
}

export interface PlayPush {
  messageId: string;
  type: string;
  /** The Pub/Sub push body as Google posts it. */
  body: { message: Record<string, unknown>; subscription: string };
  authorization: string;
}

/** What a test may change in a push's envelope (forgeries and reordering). */
export interface PushOverrides {
  packageName?: string;
  eventTimeMillis?: number;
  messageId?: string;
  token?: PushTokenOptions;
}
