import { invalidBody } from "../../errors";
import type { LedgerContext } from "../ledger";
import { processStoreNotice, recordNotice, settleNotice } from "../notices";
import type { StoreNotice } from "../store-event";
import { createPlayApi, PlayApiError, playPackageName, playUnavailable } from "./api-client";
import { decodePush, InvalidPush } from "./notification";
import { acknowledgeIfNeeded, lookUpNotice } from "./purchases";
import { UnmappablePurchase } from "./to-store-event";

/**
 * A Google Play real-time developer notification (through the authenticated Pub/Sub push, whose
 * bearer the route has already verified) reaching the ledger.
 *
 * Order: decode → look the purchase up with Google → record and apply in one go
 * (processStoreNotice) → acknowledge. A Play API failure before recording answers 503 with nothing
 * stored, so Pub/Sub's retry finds a clean slate; a failure to acknowledge after recording answers
 * 503 too, and the retry (a replay for the ledger) looks up and acknowledges again.
 */

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
  const pkg = playPackageName(ctx.env);
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
