import type { Catalog } from "./catalog";
import type { PurchaseState, Store } from "./store-event";

/** What the ledger keeps per purchase, as the derivation reads it. */
export interface PurchaseRecord {
  store: Store;
  purchaseId: string;
  productId: string;
  state: PurchaseState;
  expiresAt: number | null;
  willRenew: boolean;
  familyShared: boolean;
  replacedBy: string | null;
  updatedAt: number;
}

/** One entitlement as `GET /v1/entitlements` returns it (API.md "Entitlements"). */
export interface Entitlement {
  id: string;
  active: boolean;
  source: Store;
  productId: string;
  expiresAt?: number;
  willRenew: boolean;
  inGracePeriod: boolean;
  updatedAt: number;
}

/** The states that keep access while unexpired; every other state locks. */
const GRANTING: ReadonlySet<PurchaseState> = new Set(["active", "grace_period"]);
/** The states in which the store will still try to charge (and so may renew). */
const RENEWING: ReadonlySet<PurchaseState> = new Set(["active", "grace_period", "billing_retry"]);

/**
 * Whether a purchase grants access at `now`: a granting state, not superseded by a newer purchase
 * of its chain, and not past its expiry (the store's expiry notification may come late or never,
 * so time alone also locks). For a grace period, `expiresAt` is the grace period's end.
 */
export function isActive(p: PurchaseRecord, now: number): boolean {
  return p.replacedBy === null && GRANTING.has(p.state) && (p.expiresAt === null || p.expiresAt > now);
}

/**
 * A user's purchases → their entitlements, one per entitlement id any of their purchases' products
 * grants (inactive ones too, so an app can tell "expired" from "never bought"). Per entitlement the
 * purchase that says most: an active one over an inactive one, then the later expiry (none, i.e. a
 * lifetime purchase, latest of all), then the most recently updated.
 */
export function deriveEntitlements(
  purchases: readonly PurchaseRecord[],
  catalog: Catalog,
  now: number,
): Entitlement[] {
  const best = new Map<string, { p: PurchaseRecord; active: boolean }>();
  for (const p of purchases) {
    if (p.replacedBy !== null) continue;
    const active = isActive(p, now);
    for (const id of catalog.get(p.productId) ?? []) {
      const current = best.get(id);
      if (!current || better({ p, active }, current)) best.set(id, { p, active });
    }
  }
  return [...best.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, { p, active }]) => ({
      id,
      active,
      source: p.store,
      productId: p.productId,
      ...(p.expiresAt === null ? {} : { expiresAt: p.expiresAt }),
      willRenew: p.willRenew && RENEWING.has(p.state),
      inGracePeriod: active && p.state === "grace_period",
      updatedAt: p.updatedAt,
    }));
}

function better(
  a: { p: PurchaseRecord; active: boolean },
  b: { p: PurchaseRecord; active: boolean },
): boolean {
  if (a.active !== b.active) return a.active;
  const ea = a.p.expiresAt ?? Number.POSITIVE_INFINITY;
  const eb = b.p.expiresAt ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return ea > eb;
  return a.p.updatedAt > b.p.updatedAt;
}

/** The ids of the active entitlements (what config rules and push targeting match on). */
export function activeEntitlementIds(entitlements: readonly Entitlement[]): string[] {
  return entitlements.filter((e) => e.active).map((e) => e.id);
}

/** Whether two derivations differ in anything an app acts on (for the silent push on change). */
export function entitlementsChanged(before: readonly Entitlement[], after: readonly Entitlement[]): boolean {
  const key = (list: readonly Entitlement[]) =>
    JSON.stringify(
      list.map((e) => [e.id, e.active, e.productId, e.expiresAt ?? null, e.willRenew, e.inGracePeriod]),
    );
  return key(before) !== key(after);
}
