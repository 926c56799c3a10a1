import { describe, expect, it } from "vitest";
import type { ProductPurchase, SubscriptionPurchaseV2 } from "../../worker/entitlements/play/api-client";
import {
  productToStoreEvent,
  subscriptionToStoreEvent,
  UnmappablePurchase,
} from "../../worker/entitlements/play/to-store-event";

const NOW = Date.parse("2026-11-30T12:00:00Z");
const FUTURE = "2026-12-30T12:00:00Z";
const PAST = "2026-11-29T12:00:00Z";
const options = { signedAt: NOW - 1000, now: NOW };

function sub(
  over: Partial<SubscriptionPurchaseV2> = {},
  autoRenew = true,
  expiry = FUTURE,
): SubscriptionPurchaseV2 {
  return {
    subscriptionState: "SUBSCRIPTION_STATE_ACTIVE",
    lineItems: [
      {
        productId: "pro_monthly",
        expiryTime: expiry,
        autoRenewingPlan: { autoRenewEnabled: autoRenew },
        latestSuccessfulOrderId: "GPA.1234-5678-9012-34567..2",
      },
    ],
    acknowledgementState: "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED",
    externalAccountIdentifiers: { obfuscatedExternalAccountId: "user-1" },
    ...over,
  };
}

describe("subscriptionsv2 → StoreEvent", () => {
  it("maps an active auto-renewing subscription with its user, order, product and expiry", () => {
    expect(subscriptionToStoreEvent("tok-1", sub(), options)).toEqual({
      store: "play",
      purchaseId: "tok-1",
      replacesPurchaseId: null,
      transactionId: "GPA.1234-5678-9012-34567..2",
      productId: "pro_monthly",
      accountUserId: "user-1",
      state: "active",
      expiresAt: Date.parse(FUTURE),
      willRenew: true,
      familyShared: false,
      signedAt: NOW - 1000,
      environment: "Production",
      needsAcknowledgement: false,
    });
  });

  it.each([
    ["SUBSCRIPTION_STATE_ACTIVE", "active", true],
    ["SUBSCRIPTION_STATE_IN_GRACE_PERIOD", "grace_period", true],
    ["SUBSCRIPTION_STATE_ON_HOLD", "billing_retry", true],
    ["SUBSCRIPTION_STATE_PAUSED", "paused", true],
    ["SUBSCRIPTION_STATE_EXPIRED", "expired", false],
    ["SUBSCRIPTION_STATE_PENDING", "pending", false],
    ["SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED", "expired", false],
  ])("maps %s to %s (willRenew %s)", (subscriptionState, state, willRenew) => {
    const event = subscriptionToStoreEvent("t", sub({ subscriptionState }), options);
    expect(event.state).toBe(state);
    expect(event.willRenew).toBe(willRenew);
  });

  it("keeps a canceled subscription active until its paid period ends, without renewal", () => {
    const event = subscriptionToStoreEvent(
      "t",
      sub({ subscriptionState: "SUBSCRIPTION_STATE_CANCELED" }, false),
      options,
    );
    expect(event).toMatchObject({ state: "active", willRenew: false, expiresAt: Date.parse(FUTURE) });
  });

  it("expires a canceled subscription whose paid period is over", () => {
    const event = subscriptionToStoreEvent(
      "t",
      sub({ subscriptionState: "SUBSCRIPTION_STATE_CANCELED" }, false, PAST),
      options,
    );
    expect(event).toMatchObject({ state: "expired", willRenew: false });
  });

  it("does not renew an active subscription whose auto-renew is off", () => {
    expect(subscriptionToStoreEvent("t", sub({}, false), options).willRenew).toBe(false);
  });

  it("names the token an upgrade or downgrade replaces", () => {
    const event = subscriptionToStoreEvent("new", sub({ linkedPurchaseToken: "old" }), options);
    expect(event.replacesPurchaseId).toBe("old");
  });

  it("asks for acknowledgement while Google says it is pending", () => {
    const event = subscriptionToStoreEvent(
      "t",
      sub({ acknowledgementState: "ACKNOWLEDGEMENT_STATE_PENDING" }),
      options,
    );
    expect(event.needsAcknowledgement).toBe(true);
  });

  it("marks test purchases as Sandbox and leaves the user unknown without an obfuscated account id", () => {
    const event = subscriptionToStoreEvent(
      "t",
      sub({ testPurchase: {}, externalAccountIdentifiers: {} }),
      options,
    );
    expect(event.environment).toBe("Sandbox");
    expect(event.accountUserId).toBeNull();
  });

  it("takes the line item that runs longest", () => {
    const event = subscriptionToStoreEvent(
      "t",
      sub({
        lineItems: [
          { productId: "a", expiryTime: PAST },
          { productId: "b", expiryTime: FUTURE, autoRenewingPlan: { autoRenewEnabled: true } },
        ],
      }),
      options,
    );
    expect(event).toMatchObject({ productId: "b", expiresAt: Date.parse(FUTURE), transactionId: "t" });
  });

  it.each(["revoked", "refunded"] as const)(
    "lets a %s notification override the API's state",
    (overrideState) => {
      const event = subscriptionToStoreEvent("t", sub({ subscriptionState: "SUBSCRIPTION_STATE_EXPIRED" }), {
        ...options,
        overrideState,
      });
      expect(event).toMatchObject({ state: overrideState, willRenew: false });
    },
  );

  it("refuses states and shapes it does not know rather than guessing", () => {
    expect(() =>
      subscriptionToStoreEvent("t", sub({ subscriptionState: "SUBSCRIPTION_STATE_UNSPECIFIED" }), options),
    ).toThrow(UnmappablePurchase);
    expect(() => subscriptionToStoreEvent("t", sub({ lineItems: [] }), options)).toThrow(UnmappablePurchase);
  });
});

describe("products.get → StoreEvent", () => {
  const product = (over: Partial<ProductPurchase> = {}): ProductPurchase => ({
    purchaseTimeMillis: "1764500000000",
    purchaseState: 0,
    acknowledgementState: 1,
    orderId: "GPA.3333-4444-5555-66666",
    obfuscatedExternalAccountId: "user-2",
    ...over,
  });

  it.each([
    [0, "active"],
    [1, "revoked"],
    [2, "pending"],
  ])("maps purchaseState %s to %s", (purchaseState, state) => {
    const event = productToStoreEvent("t", "lifetime", product({ purchaseState }), options);
    expect(event).toMatchObject({
      state,
      productId: "lifetime",
      accountUserId: "user-2",
      transactionId: "GPA.3333-4444-5555-66666",
      expiresAt: null,
      willRenew: false,
      needsAcknowledgement: false,
      environment: "Production",
    });
  });

  it("asks for acknowledgement of a purchase not yet acknowledged, and marks test purchases", () => {
    const event = productToStoreEvent(
      "t",
      "lifetime",
      product({ acknowledgementState: 0, purchaseType: 0 }),
      options,
    );
    expect(event).toMatchObject({ needsAcknowledgement: true, environment: "Sandbox" });
  });

  it("maps a voided purchase to refunded", () => {
    const event = productToStoreEvent("t", "lifetime", product(), { ...options, overrideState: "refunded" });
    expect(event.state).toBe("refunded");
  });

  it("refuses an unknown purchaseState", () => {
    expect(() => productToStoreEvent("t", "x", product({ purchaseState: 7 }), options)).toThrow(
      UnmappablePurchase,
    );
  });
});
