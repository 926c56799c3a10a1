import { describe, expect, it } from "vitest";
import { parseCatalog, productsGranting } from "../../worker/entitlements/catalog";
import {
  type PurchaseRecord,
  deriveEntitlements,
  entitlementsChanged,
  isActive,
} from "../../worker/entitlements/derive";
import { appleStoreEvent } from "../../worker/entitlements/apple/map";
import type { AppleRenewalInfo, AppleTransaction } from "../../worker/entitlements/apple/payloads";

const NOW = 1_800_000_000_000;
const DAY = 86_400_000;
const catalog = parseCatalog(
  JSON.stringify({
    pro: ["pro.monthly", "pro.yearly", "pro.lifetime"],
    team: ["team.monthly", "pro.yearly"],
  }),
);

const purchase = (over: Partial<PurchaseRecord>): PurchaseRecord => ({
  store: "app_store",
  purchaseId: "1",
  productId: "pro.monthly",
  state: "active",
  expiresAt: NOW + DAY,
  willRenew: true,
  familyShared: false,
  replacedBy: null,
  updatedAt: NOW - 1000,
  ...over,
});

describe("isActive: the state → access mapping", () => {
  it.each([
    ["active", NOW + DAY, true],
    ["active", NOW - 1, false], // expired by time, whatever the store said last
    ["active", null, true], // lifetime
    ["grace_period", NOW + DAY, true],
    ["grace_period", NOW - 1, false],
    ["billing_retry", NOW + DAY, false],
    ["expired", NOW + DAY, false],
    ["refunded", null, false],
    ["revoked", null, false],
    ["paused", NOW + DAY, false],
    ["pending", NOW + DAY, false],
  ] as const)("%s expiring at %s → %s", (state, expiresAt, active) => {
    expect(isActive(purchase({ state, expiresAt }), NOW)).toBe(active);
  });

  it("a superseded purchase grants nothing", () => {
    expect(isActive(purchase({ replacedBy: "2" }), NOW)).toBe(false);
  });
});

describe("deriveEntitlements", () => {
  it("maps products to every entitlement they grant, sorted by id", () => {
    const list = deriveEntitlements([purchase({ productId: "pro.yearly" })], catalog, NOW);
    expect(list.map((e) => [e.id, e.active, e.productId])).toEqual([
      ["pro", true, "pro.yearly"],
      ["team", true, "pro.yearly"],
    ]);
  });

  it("prefers an active purchase, then the later expiry, lifetime latest of all", () => {
    const expired = purchase({ purchaseId: "a", state: "expired", expiresAt: NOW + 9 * DAY });
    const monthly = purchase({ purchaseId: "b", expiresAt: NOW + DAY });
    const yearly = purchase({ purchaseId: "c", productId: "pro.yearly", expiresAt: NOW + 300 * DAY });
    const lifetime = purchase({
      purchaseId: "d",
      productId: "pro.lifetime",
      expiresAt: null,
      willRenew: false,
    });
    expect(deriveEntitlements([expired, monthly], catalog, NOW)[0]?.productId).toBe("pro.monthly");
    expect(deriveEntitlements([monthly, yearly], catalog, NOW)[0]?.productId).toBe("pro.yearly");
    const best = deriveEntitlements([yearly, lifetime, monthly], catalog, NOW)[0];
    expect(best).toMatchObject({ id: "pro", productId: "pro.lifetime", active: true, willRenew: false });
    expect(best).not.toHaveProperty("expiresAt");
  });

  it("reports grace periods, and willRenew only while the store still tries to charge", () => {
    const [grace] = deriveEntitlements([purchase({ state: "grace_period" })], catalog, NOW);
    expect(grace).toMatchObject({ active: true, inGracePeriod: true, willRenew: true });
    const [retry] = deriveEntitlements([purchase({ state: "billing_retry" })], catalog, NOW);
    expect(retry).toMatchObject({ active: false, inGracePeriod: false, willRenew: true });
    const [refunded] = deriveEntitlements([purchase({ state: "refunded" })], catalog, NOW);
    expect(refunded).toMatchObject({ active: false, willRenew: false });
  });

  it("ignores products no entitlement lists and superseded purchases", () => {
    expect(deriveEntitlements([purchase({ productId: "coins.100" })], catalog, NOW)).toEqual([]);
    expect(deriveEntitlements([purchase({ replacedBy: "2" })], catalog, NOW)).toEqual([]);
  });

  it("entitlementsChanged sees what an app acts on, not bookkeeping", () => {
    const a = deriveEntitlements([purchase({})], catalog, NOW);
    expect(entitlementsChanged(a, deriveEntitlements([purchase({ updatedAt: NOW })], catalog, NOW))).toBe(
      false,
    );
    expect(entitlementsChanged(a, deriveEntitlements([purchase({ willRenew: false })], catalog, NOW))).toBe(
      true,
    );
    expect(entitlementsChanged(a, [])).toBe(true);
  });
});

describe("the ENTITLEMENTS catalog", () => {
  it("grants nothing for malformed configuration", () => {
    for (const raw of ["", "not json", "[]", '{"bad id":["x"]}', '{"pro":"x"}']) {
      expect([...parseCatalog(raw).keys()]).toEqual([]);
    }
  });

  it("lists the products granting any of some entitlements", () => {
    expect(productsGranting(catalog, ["team"]).sort()).toEqual(["pro.yearly", "team.monthly"]);
    expect(productsGranting(catalog, ["nothing"])).toEqual([]);
  });
});

describe("appleStoreEvent: App Store transaction and renewal info → purchase state", () => {
  const tx = (over: Partial<AppleTransaction> = {}): AppleTransaction => ({
    transactionId: "t2",
    originalTransactionId: "t1",
    bundleId: "b",
    productId: "pro.monthly",
    type: "Auto-Renewable Subscription",
    expiresDate: NOW + 30 * DAY,
    revocationDate: null,
    isUpgraded: false,
    appAccountToken: "user-1",
    inAppOwnershipType: "PURCHASED",
    environment: "Production",
    signedDate: NOW,
    ...over,
  });
  const renewal = (over: Partial<AppleRenewalInfo> = {}): AppleRenewalInfo => ({
    originalTransactionId: "t1",
    autoRenewProductId: "pro.monthly",
    autoRenewStatus: 1,
    isInBillingRetryPeriod: false,
    gracePeriodExpiresDate: null,
    environment: "Production",
    signedDate: NOW,
    ...over,
  });
  const at = { signedAt: NOW };

  it.each([
    ["a current subscription", tx(), renewal(), undefined, "active"],
    ["a refund", tx({ revocationDate: NOW }), renewal(), "REFUND", "refunded"],
    ["a revocation (family sharing)", tx({ revocationDate: NOW }), renewal(), "REVOKE", "revoked"],
    ["an EXPIRED notification", tx(), renewal({ autoRenewStatus: 0 }), "EXPIRED", "expired"],
    ["GRACE_PERIOD_EXPIRED", tx(), renewal(), "GRACE_PERIOD_EXPIRED", "expired"],
    ["a transaction upgraded away from", tx({ isUpgraded: true }), renewal(), undefined, "expired"],
    ["an expiry before the signed date", tx({ expiresDate: NOW - 1 }), renewal(), undefined, "expired"],
    [
      "billing retry inside a grace period",
      tx({ expiresDate: NOW - 1 }),
      renewal({ isInBillingRetryPeriod: true, gracePeriodExpiresDate: NOW + 16 * DAY }),
      "DID_FAIL_TO_RENEW",
      "grace_period",
    ],
    [
      "billing retry after the grace period",
      tx({ expiresDate: NOW - 1 }),
      renewal({ isInBillingRetryPeriod: true, gracePeriodExpiresDate: NOW - 1 }),
      "DID_FAIL_TO_RENEW",
      "billing_retry",
    ],
  ] as const)("%s → %s", (_what, t, r, notificationType, state) => {
    expect(appleStoreEvent(t, r, { ...at, notificationType }).state).toBe(state);
  });

  it("keeps the chain's id, follows the transaction's product, and reads renewal and family flags", () => {
    const event = appleStoreEvent(
      tx({ productId: "pro.yearly", inAppOwnershipType: "FAMILY_SHARED" }),
      renewal({ autoRenewStatus: 0, autoRenewProductId: "pro.monthly" }),
      at,
    );
    expect(event).toMatchObject({
      store: "app_store",
      purchaseId: "t1",
      transactionId: "t2",
      productId: "pro.yearly",
      willRenew: false,
      familyShared: true,
      accountUserId: "user-1",
      signedAt: NOW,
    });
  });

  it("a grace period's expiry is the grace period's end", () => {
    const event = appleStoreEvent(
      tx({ expiresDate: NOW - 1 }),
      renewal({ isInBillingRetryPeriod: true, gracePeriodExpiresDate: NOW + 5 * DAY }),
      at,
    );
    expect(event.expiresAt).toBe(NOW + 5 * DAY);
  });

  it("without renewal info an auto-renewable is assumed to renew; a one-time product never does", () => {
    expect(appleStoreEvent(tx(), null, at).willRenew).toBe(true);
    expect(appleStoreEvent(tx({ type: "Non-Consumable", expiresDate: null }), null, at)).toMatchObject({
      willRenew: false,
      state: "active",
      expiresAt: null,
    });
  });
});
