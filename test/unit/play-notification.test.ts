import { describe, expect, it } from "vitest";
import { decodePush, InvalidPush } from "../../worker/entitlements/play/notification";

const b64 = (value: unknown) =>
  btoa(
    String.fromCharCode(
      ...new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value)),
    ),
  );
const push = (notification: unknown, message: Record<string, unknown> = {}) => ({
  message: { data: b64(notification), messageId: "m-1", publishTime: "2026-11-30T12:00:00Z", ...message },
  subscription: "projects/p/subscriptions/play",
});
const base = { version: "1.0", packageName: "com.example.app", eventTimeMillis: "1764504000000" };

describe("Pub/Sub push decoding", () => {
  it("decodes a subscription notification with its name, token and event time", () => {
    const decoded = decodePush(
      push({
        ...base,
        subscriptionNotification: {
          version: "1.0",
          notificationType: 2,
          purchaseToken: "tok",
          subscriptionId: "pro",
        },
      }),
    );
    expect(decoded).toMatchObject({
      messageId: "m-1",
      packageName: "com.example.app",
      eventTimeMillis: 1764504000000,
      type: "SUBSCRIPTION_RENEWED",
      notice: { kind: "subscription", purchaseToken: "tok", subscriptionId: "pro", notificationType: 2 },
    });
    expect(JSON.parse(decoded.raw)).toMatchObject(base);
  });

  it("decodes one-time product, voided and test notifications", () => {
    expect(
      decodePush(
        push({
          ...base,
          oneTimeProductNotification: {
            version: "1.0",
            notificationType: 1,
            purchaseToken: "t",
            sku: "lifetime",
          },
        }),
      ),
    ).toMatchObject({
      type: "ONE_TIME_PRODUCT_PURCHASED",
      notice: { kind: "one_time_product", productId: "lifetime" },
    });
    expect(
      decodePush(
        push({
          ...base,
          voidedPurchaseNotification: { purchaseToken: "t", orderId: "GPA.1", productType: 1, refundType: 1 },
        }),
      ),
    ).toMatchObject({ type: "VOIDED_PURCHASE", notice: { kind: "voided", productType: "subscription" } });
    expect(decodePush(push({ ...base, testNotification: { version: "1.0" } }))).toMatchObject({
      type: "TEST",
      notice: { kind: "test" },
    });
  });

  it("accepts Pub/Sub's message_id spelling", () => {
    const body = push(
      { ...base, testNotification: { version: "1.0" } },
      { messageId: undefined, message_id: "m-2" },
    );
    expect(decodePush(body).messageId).toBe("m-2");
  });

  it.each([
    ["no envelope", { data: "x" }],
    ["no messageId", push({ ...base, testNotification: { version: "1.0" } }, { messageId: undefined })],
    ["data not base64", { message: { data: "%%%", messageId: "m" } }],
    ["data not JSON", { message: { data: b64("not json"), messageId: "m" } }],
    ["no kind", push(base)],
    [
      "two kinds",
      push({
        ...base,
        testNotification: { version: "1.0" },
        voidedPurchaseNotification: { purchaseToken: "t", orderId: "o", productType: 1 },
      }),
    ],
    [
      "eventTimeMillis not digits",
      push({ ...base, eventTimeMillis: "soon", testNotification: { version: "1.0" } }),
    ],
    [
      "unknown voided productType",
      push({ ...base, voidedPurchaseNotification: { purchaseToken: "t", orderId: "o", productType: 9 } }),
    ],
  ])("refuses %s", (_, body) => {
    expect(() => decodePush(body)).toThrow(InvalidPush);
  });
});
