import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../env";
import { ledgerContext } from "../entitlements/context";
import { PubSubUnauthorized, verifyPubSubPush } from "../entitlements/play/pubsub-auth";
import { reportPlayPurchase } from "../entitlements/play/app-report";
import { handlePlayPush } from "../entitlements/play/webhook";
import { EntitlementsResponseSchema } from "../entitlements/schema";
import { primary } from "../middleware/database";
import { asPublic, asUser, createRouter, problem, problems } from "../openapi";

/** Google Play purchases: real-time developer notifications (mounted at /v1/webhooks) and the app's reports (/v1/purchases). */
export const playWebhookRoutes = createRouter();
export const playPurchaseRoutes = createRouter();

/**
 * The push's bearer is checked before the body is even validated: an unauthenticated request is
 * 401 whatever it sends, and nothing is stored.
 */
const pubSubAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    try {
      await verifyPubSubPush(c.env, c.req.header("Authorization"));
    } catch (error) {
      if (!(error instanceof PubSubUnauthorized)) throw error;
      console.error(JSON.stringify({ level: "warn", message: "Play push refused", reason: error.message }));
      throw new ApiError(401, "unauthorized", "The push could not be authenticated");
    }
    await next();
  });

const PushBody = z
  .object({
    message: z
      .object({
        data: z
          .string()
          .min(1)
          .max(64 * 1024),
        messageId: z.string().optional(),
        publishTime: z.string().optional(),
        attributes: z.record(z.string(), z.string()).optional(),
      })
      .passthrough(),
    subscription: z.string().optional(),
  })
  .passthrough()
  .openapi("PlayPubSubPush");

playWebhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/play",
    operationId: "playNotification",
    tags: ["entitlements"],
    summary: "Google Play real-time developer notifications (the Pub/Sub push subscription's endpoint)",
    description:
      "Authenticated Pub/Sub push: the bearer is a Google-signed OIDC token (RS256, iss accounts.google.com, " +
      "aud PLAY_PUBSUB_AUDIENCE, email PLAY_PUBSUB_SERVICE_ACCOUNT_EMAIL, email_verified). The purchase is " +
      "looked up with the Play Developer API and acknowledged when needed. 200 only once durably recorded " +
      "(a replay of a messageId is 200 with nothing applied again); 401 with nothing stored when the bearer " +
      "does not verify; 503 when Google Play could not be reached (Pub/Sub retries). Reads the primary.",
    ...asPublic,
    middleware: [primary(), pubSubAuth()],
    request: {
      body: { content: { "application/json": { schema: PushBody } }, required: true },
    },
    responses: {
      200: {
        description: "Recorded",
        content: { "application/json": { schema: z.object({ ok: z.literal(true), replay: z.boolean() }) } },
      },
      ...problems(400, 413, 415, 503),
      401: problem(401, "unauthorized: the push's bearer did not verify; nothing was stored"),
    },
  }),
  async (c) => {
    const { replay } = await handlePlayPush(ledgerContext(c), c.req.valid("json"));
    c.header("Cache-Control", "no-store");
    return c.json({ ok: true as const, replay }, 200);
  },
);

playPurchaseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/play",
    operationId: "reportPlayPurchase",
    tags: ["entitlements"],
    summary: "Report a Google Play purchase right after it completes",
    description:
      "The purchase token is looked up with the Play Developer API (subscription, else one-time product), " +
      "linked to the caller and acknowledged. Set obfuscatedExternalAccountId to the Outpost user id at " +
      "purchase time so Google's notifications find the user too. A purchase already linked to another user " +
      "is 409 purchase_owned_elsewhere and nothing changes.",
    ...asUser(primary()),
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                productId: z.string().min(1).max(200),
                purchaseToken: z.string().min(1).max(4096),
              })
              .openapi("PlayPurchaseReport"),
          },
        },
        required: true,
      },
    },
    responses: {
      200: {
        description: "The caller's entitlements after the purchase",
        content: { "application/json": { schema: EntitlementsResponseSchema } },
      },
      ...problems(400, 401, 413, 415, 426, 503),
      409: problem(409, "purchase_owned_elsewhere: the purchase is linked to another user; nothing changed"),
    },
  }),
  async (c) => {
    const { productId, purchaseToken } = c.req.valid("json");
    const entitlements = await reportPlayPurchase(
      ledgerContext(c),
      c.var.auth.userId,
      productId,
      purchaseToken,
    );
    c.header("Cache-Control", "no-store");
    return c.json({ entitlements }, 200);
  },
);
