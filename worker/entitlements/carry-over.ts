import type { LedgerContext } from "./ledger";
import { moveAnonymousPurchases } from "./queries/purchases";
import { wakeUserDevices } from "./wake";

/**
 * An anonymous buyer who then signs into a *different, existing* account (the identity was already
 * someone's) takes what they bought along: the sign-in proves both sides — the anonymous access
 * token the app still holds, and the ID token of the account — and the anonymous user is left
 * behind with nothing the app can reach again. Without this the purchase would stay linked to an
 * orphan, and the account's own report of it would be `409 purchase_owned_elsewhere`.
 * (An upgrade in place keeps the same user id, so there is nothing to move.)
 *
 * The account's devices are woken like after any entitlement change. Returns how many purchases
 * moved.
 */
export async function carryPurchasesToAccount(
  ctx: LedgerContext,
  anonymousUserId: string,
  accountUserId: string,
): Promise<number> {
  if (anonymousUserId === accountUserId) return 0;
  const now = ctx.now ?? Date.now();
  const moved = await moveAnonymousPurchases(ctx.d1, anonymousUserId, accountUserId, now);
  if (moved > 0) {
    const wake = wakeUserDevices(ctx.env, accountUserId, now);
    if (ctx.waitUntil) ctx.waitUntil(wake);
    else await wake;
  }
  return moved;
}
