import { ApiError, invalidBody } from "../../errors";
import { applyAppReport } from "../app-report";
import type { Entitlement } from "../derive";
import type { LedgerContext } from "../ledger";
import { processStoreNotice, recordNotice, settleNotice } from "../notices";
import type { StoreNotice } from "../store-event";
import { createPlayApi, PlayApiError } from "./api-client";
import { decodePush, InvalidPush } from "./notification";
import { acknowledgeIfNeeded, lookUpNotice, lookUpReport } from "./purchases";
import { UnmappablePurchase } from "./to-store-event";

/**
 * The two ways a Google Play purchase reaches the ledger: a real-time developer notification
 * (through the authenticated Pub/Sub push, already verified by the route) and the app's own report.
 *
 * Order in the webhook: decode → look the purchase up with Google → record and apply in one go
 * (processStoreNotice) → acknowledge. A Play API failure before recording answers 503 with nothing
 * stored, so Pub/Sub's retry finds a clean slate; a failure to acknowledge after recording answers
 * 503 too, and the retry (a replay for the ledger) looks up and acknowledges again.
 */

const playUnavailable = (error: PlayApiError) => {
  console.error(
    JSON.stringify({
      level: "warn",
      message: "Play Developer API failed",
      status: error.status,
      error: error.message,
    }),
  );
  return new ApiError(503, "service_unavailable", "Google Play could not be reached; retry");
};

function packageName(env: Env): string {
  const name = env.PLAY_PACKAGE_NAME?.trim() ?? "";
  if (name === "") throw new ApiError(503, "service_unavailable", "Google Play is not configured");
  return name;
}

export interface PlayPushResult {
  replay: boolean;
  outcome: string;
}

/** Handles a verified Pub/Sub push body; resolves once the notification is durably recorded. */
export async function handlePlayPush(ctx: LedgerContext, body: unknown): Promise<PlayPushResult> {
  let decoded;
  try {
    decoded = decodePush(body);
  } catch (error) {
    if (error instanceof InvalidPush) throw invalidBody(error.message);
    throw error;
  }
  const pkg = packageName(ctx.env);
  if (decoded.packageName !== pkg) {
    throw invalidBody("The notification is for another app", [
      { path: "message.data.packageName", message: `is not ${pkg}` },
    ]);
  }
  const notice: StoreNotice = {
    store: "play",
    notificationId: decoded.messageId,
    type: decoded.type,
    subtype: null,
    signedAt: decoded.eventTimeMillis,
    raw: decoded.raw,
  };
  if (decoded.notice.kind === "test") {
    const { replay, outcome } = await processStoreNotice(ctx, notice, []);
    return { replay, outcome };
  }
  const api = createPlayApi(ctx.env, pkg);
  let lookup;
  try {
    lookup = await lookUpNotice(ctx, api, decoded.notice, decoded.eventTimeMillis, ctx.now ?? Date.now());
  } catch (error) {
    if (error instanceof PlayApiError) throw playUnavailable(error);
    if (error instanceof UnmappablePurchase) return ignore(ctx, notice, error.message);
    throw error;
  }
  if (!lookup) return ignore(ctx, notice, "no such purchase at Google Play");
  const { replay, outcome } = await processStoreNotice(ctx, notice, [lookup.event]);
  try {
    await acknowledgeIfNeeded(ctx, api, lookup);
  } catch (error) {
    if (error instanceof PlayApiError) throw playUnavailable(error);
    throw error;
  }
  return { replay, outcome };
}

/** Kept for support with why nothing was applied, and answered 200 (a retry cannot help). */
async function ignore(ctx: LedgerContext, notice: StoreNotice, why: string): Promise<PlayPushResult> {
  const { replay } = await recordNotice(ctx, notice);
  if (!replay) await settleNotice(ctx, notice, { outcome: `ignored: ${why}` });
  return { replay, outcome: `ignored: ${why}` };
}

/**
 * The app's report of a purchase: looked up with Google, linked to the caller (409
 * purchase_owned_elsewhere from the ledger when it belongs to someone else), then acknowledged.
 * A failed acknowledgement does not fail the report: the purchase is recorded and flagged, and
 * the next notification for it acknowledges it (Google allows three days).
 */
export async function reportPlayPurchase(
  ctx: LedgerContext,
  userId: string,
  productId: string,
  purchaseToken: string,
): Promise<Entitlement[]> {
  const api = createPlayApi(ctx.env, packageName(ctx.env));
  let lookup;
  try {
    lookup = await lookUpReport(api, productId, purchaseToken, ctx.now ?? Date.now());
  } catch (error) {
    if (error instanceof PlayApiError) throw playUnavailable(error);
    if (error instanceof UnmappablePurchase)
      throw invalidBody("Google Play reports a state this server does not know");
    throw error;
  }
  if (!lookup) {
    throw invalidBody("The purchase could not be verified", [
      { path: "purchaseToken", message: `not a Google Play purchase of ${productId} for this app` },
    ]);
  }
  const result = await applyAppReport(ctx, lookup.event, userId);
  try {
    await acknowledgeIfNeeded(ctx, api, lookup);
  } catch (error) {
    if (!(error instanceof PlayApiError)) throw error;
    playUnavailable(error);
  }
  return result.entitlements;
}
