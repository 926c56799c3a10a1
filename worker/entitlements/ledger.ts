import type { D1Like } from "../db/client";
import { ApiError } from "../errors";
import { productCatalog } from "./catalog";
import { type Entitlement, deriveEntitlements, entitlementsChanged } from "./derive";
import {
  type StoredPurchase,
  insertPurchaseStatement,
  listUserPurchases,
  lookupUser,
  markReplacedStatement,
  readPurchase,
  runPurchaseWrite,
  updatePurchaseStatement,
} from "./queries/purchases";
import type { StoreEvent } from "./store-event";
import { wakeUserDevices } from "./wake";

/** What the ledger needs from its caller: a route passes `c.env`, `c.var.d1` and the waitUntil. */
export interface LedgerContext {
  env: Env;
  /** The request's D1 session (`c.var.d1`, on the primary for store messages) or `env.DB`. */
  d1: D1Like;
  /** Runs the silent push to the user's devices after the response; without it the push is awaited. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Clock override for tests (ms). */
  now?: number;
}

/** Who reported the purchase through `/v1/purchases/*` (absent for store notifications). */
export interface Reporter {
  userId: string;
}

export interface ApplyResult {
  /** `applied`: the event's state was written; `stale`: an equal-or-newer state was kept (the owner may still have been linked). */
  outcome: "applied" | "stale";
  purchaseId: string;
  /** The purchase's owner after this event (null: no user is known for it yet). */
  userId: string | null;
  /** The owner's entitlements after this event ([] without an owner). */
  entitlements: Entitlement[];
  /** Whether the owner's entitlements changed (their devices got a silent push). */
  changed: boolean;
}

/** `409 purchase_owned_elsewhere`: nothing was changed. */
export const purchaseOwnedElsewhere = () =>
  new ApiError(409, "purchase_owned_elsewhere", "This purchase is linked to another user");

/** Compare-and-swap attempts before giving up (each miss means another message for this purchase just landed). */
const MAX_ATTEMPTS = 5;

/**
 * Applies one verified store event to the ledger: the one place purchases change.
 *
 * - Ownership: a purchase is linked once — to its reporter (`reporter`, the app's own report), or
 *   to the user the store message names (`accountUserId`, if that user exists), or to the owner
 *   of the purchase it replaces — and never silently moves: a reporter who is not the owner (or
 *   not the user the purchase's account token names) gets `409 purchase_owned_elsewhere` and
 *   nothing changes. A store message never moves a linked purchase either.
 * - Ordering: the state is written only if the event's `signedAt` is at or after the stored one,
 *   so an older message arriving late never overwrites a newer state (it may still link the owner).
 * - One purchase per chain: the app's report and the store's notification for the same purchase
 *   share `(store, purchaseId)` and land on one row, hence one entitlement.
 *
 * Every write is a compare-and-swap on what was read, so concurrent messages for one purchase
 * are decided one after the other. When the owner's entitlements change, their devices get a
 * silent push (after the response when `ctx.waitUntil` is given).
 */
export async function applyStoreEvent(
  ctx: LedgerContext,
  event: StoreEvent,
  options: { reporter?: Reporter } = {},
): Promise<ApplyResult> {
  const now = ctx.now ?? Date.now();
  const catalog = productCatalog(ctx.env.ENTITLEMENTS);
  for (let attempt = 1; ; attempt++) {
    const existing = await readPurchase(ctx.d1, event.store, event.purchaseId);
    const replaced =
      event.replacesPurchaseId && event.replacesPurchaseId !== event.purchaseId
        ? await readPurchase(ctx.d1, event.store, event.replacesPurchaseId)
        : null;
    const owner = await decideOwner(ctx.d1, event, existing, replaced, options.reporter);

    const fresh = !existing || event.signedAt >= existing.signedAt;
    if (existing && !fresh && existing.userId === owner) {
      // Older news about a purchase whose owner is already known: nothing to write.
      const entitlements = owner ? await listEntitlements(ctx, owner) : [];
      return { outcome: "stale", purchaseId: event.purchaseId, userId: owner, entitlements, changed: false };
    }
    const before = owner ? await listUserPurchases(ctx.d1, owner) : [];
    const write = { event, userId: owner, now };
    const statement = existing
      ? updatePurchaseStatement(ctx.d1, write, existing, fresh)
      : insertPurchaseStatement(ctx.d1, write);
    const supersede =
      replaced && fresh
        ? [markReplacedStatement(ctx.d1, event.store, replaced.purchaseId, event.purchaseId, now)]
        : [];
    if (!(await runPurchaseWrite(ctx.d1, statement, supersede))) {
      if (attempt >= MAX_ATTEMPTS)
        throw new ApiError(503, "service_unavailable", "The purchase is busy; retry");
      continue;
    }

    if (!owner)
      return {
        outcome: fresh ? "applied" : "stale",
        purchaseId: event.purchaseId,
        userId: null,
        entitlements: [],
        changed: false,
      };
    const after = await listUserPurchases(ctx.d1, owner);
    const was = deriveEntitlements(before, catalog, now);
    const entitlements = deriveEntitlements(after, catalog, now);
    const changed = entitlementsChanged(was, entitlements);
    if (changed) {
      const wake = wakeUserDevices(ctx.env, owner, now);
      if (ctx.waitUntil) ctx.waitUntil(wake);
      else await wake;
    }
    return {
      outcome: fresh ? "applied" : "stale",
      purchaseId: event.purchaseId,
      userId: owner,
      entitlements,
      changed,
    };
  }
}

/** The purchase's owner after this event, or `409` for a reporter who may not claim it. */
async function decideOwner(
  d1: D1Like,
  event: StoreEvent,
  existing: StoredPurchase | null,
  replaced: StoredPurchase | null,
  reporter: Reporter | undefined,
): Promise<string | null> {
  const linked = existing?.userId ?? replaced?.userId ?? null;
  if (reporter) {
    if (linked !== null && linked !== reporter.userId) throw purchaseOwnedElsewhere();
    // Not linked yet, but the store says who bought it: the app set appAccountToken /
    // obfuscatedExternalAccountId to that user's id at purchase time.
    if (linked === null && event.accountUserId !== null && event.accountUserId !== reporter.userId) {
      if (await lookupUser(d1, event.accountUserId)) throw purchaseOwnedElsewhere();
    }
    return reporter.userId;
  }
  if (linked !== null) return linked;
  if (event.accountUserId !== null && (await lookupUser(d1, event.accountUserId))) return event.accountUserId;
  return null;
}

/** The user's entitlements now (GET /v1/entitlements, the home screen, config rules). */
export async function listEntitlements(
  ctx: Pick<LedgerContext, "env" | "d1" | "now">,
  userId: string,
): Promise<Entitlement[]> {
  const purchases = await listUserPurchases(ctx.d1, userId);
  return deriveEntitlements(purchases, productCatalog(ctx.env.ENTITLEMENTS), ctx.now ?? Date.now());
}
