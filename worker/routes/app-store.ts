import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, invalidBody } from "../errors";
import {
  AppleVerificationError,
  appStorePurchaseEvent,
  verifyAppStoreNotification,
} from "../entitlements/apple/app-store";
import { applyAppReport } from "../entitlements/app-report";
import { ledgerContext } from "../entitlements/context";
import { processStoreNotice } from "../entitlements/notices";
import { EntitlementsResponseSchema } from "../entitlements/schema";
import { primary } from "../middleware/database";
import { asPublic, asUser, createRouter, problem, problems } from "../openapi";

/** App Store purchases: the store's notifications (mounted at /v1/webhooks) and the app's reports (/v1/purchases). */
export const appStoreWebhookRoutes = createRouter();
export const appStorePurchaseRoutes = createRouter();

/** Apple's JWS are a few KiB; anything far larger is not one. */
const JWS = z
  .string()
  .min(1)
  .max(64 * 1024);

function logRefusal(error: AppleVerificationError, what: string): void {
  console.error(JSON.stringify({ level: "warn", message: `${what} refused`, reason: error.reason }));
}

appStoreWebhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/app-store",
    operationId: "appStoreNotification",
    tags: ["entitlements"],
    summary: "App Store Server Notifications v2 (set this URL in App Store Connect)",
    description:
      "Verified end to end (x5c chain of three to the pinned Apple root, Apple's OIDs, ES256, bundle id, " +
      "environment, app Apple id). 200 only once the notification is durably recorded and applied; a " +
      "replay (same notificationUUID) is 200 with nothing applied again; anything unverifiable is 401 " +
      "with nothing stored. Reads and writes the primary.",
    ...asPublic,
    middleware: [primary()],
    request: {
      body: {
        content: {
          "application/json": { schema: z.object({ signedPayload: JWS }).openapi("AppStoreNotification") },
        },
        required: true,
      },
    },
    responses: {
      200: {
        description: "Recorded",
        content: { "application/json": { schema: z.object({ ok: z.literal(true), replay: z.boolean() }) } },
      },
      ...problems(400, 413, 415),
      401: problem(401, "unauthorized: the notification did not verify; nothing was stored"),
    },
  }),
  async (c) => {
    const { signedPayload } = c.req.valid("json");
    let verified: Awaited<ReturnType<typeof verifyAppStoreNotification>>;
    try {
      verified = await verifyAppStoreNotification(c.env, signedPayload);
    } catch (error) {
      if (!(error instanceof AppleVerificationError)) throw error;
      logRefusal(error, "App Store notification");
      throw new ApiError(401, "unauthorized", "The notification could not be verified");
    }
    const { replay } = await processStoreNotice(ledgerContext(c), verified.notice, verified.events);
    c.header("Cache-Control", "no-store");
    return c.json({ ok: true as const, replay }, 200);
  },
);

appStorePurchaseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/app-store",
    operationId: "reportAppStorePurchase",
    tags: ["entitlements"],
    summary: "Report an App Store purchase right after it completes (StoreKit 2 signedTransaction)",
    description:
      "The transaction is verified like a store notification and linked to the caller. Set the purchase's " +
      "appAccountToken to the Outpost user id so the store's own notifications find the user too. A purchase " +
      "already linked to another user is 409 purchase_owned_elsewhere and nothing changes.",
    ...asUser(primary()),
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ signedTransaction: JWS }).openapi("AppStorePurchaseReport"),
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
      ...problems(400, 401, 413, 415, 426),
      409: problem(409, "purchase_owned_elsewhere: the purchase is linked to another user; nothing changed"),
    },
  }),
  async (c) => {
    const { signedTransaction } = c.req.valid("json");
    let event: Awaited<ReturnType<typeof appStorePurchaseEvent>>;
    try {
      event = await appStorePurchaseEvent(c.env, signedTransaction);
    } catch (error) {
      if (!(error instanceof AppleVerificationError)) throw error;
      logRefusal(error, "App Store purchase report");
      // 400, not 401: the caller's credential is fine, the transaction is not (a 401 would make
      // the app refresh its tokens for nothing).
      throw invalidBody("The transaction could not be verified", [
        { path: "signedTransaction", message: "not a verified App Store transaction for this app" },
      ]);
    }
    const result = await applyAppReport(ledgerContext(c), event, c.var.auth.userId);
    c.header("Cache-Control", "no-store");
    return c.json({ entitlements: result.entitlements }, 200);
  },
);
