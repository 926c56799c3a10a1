import { describe, expect, it } from "vitest";
import {
  backoffSeconds,
  classifyPushResult,
  parseRetryAfter,
  type ClassifiedResult,
  type ClassifyContext,
} from "../../worker/push/providers/classify";

const NOW = Date.parse("2026-11-29T10:00:00Z");
const ctx = (over: Partial<ClassifyContext> = {}): ClassifyContext => ({
  attempt: 1,
  tokenUpdatedAt: null,
  random: () => 0,
  now: NOW,
  ...over,
});

function fcmError(status: number, grpcStatus: string, errorCode?: string, message = "boom") {
  return {
    error: {
      code: status,
      message,
      status: grpcStatus,
      details: errorCode
        ? [
            { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [] },
            { "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode },
          ]
        : [],
    },
  };
}

interface Row {
  name: string;
  status: number;
  body: unknown;
  context?: Partial<ClassifyContext>;
  expected: ClassifiedResult;
}

describe("classifyPushResult for FCM HTTP v1", () => {
  const rows: Row[] = [
    {
      name: "a 200 is sent, with FCM's message name",
      status: 200,
      body: { name: "projects/p/messages/0:123" },
      expected: { kind: "sent", providerMessageId: "projects/p/messages/0:123" },
    },
    {
      name: "UNREGISTERED (404, generic NOT_FOUND status) prunes",
      status: 404,
      body: fcmError(404, "NOT_FOUND", "UNREGISTERED"),
      expected: { kind: "prune", reason: "UNREGISTERED" },
    },
    {
      name: "INVALID_ARGUMENT saying the registration token is not valid prunes",
      status: 400,
      body: fcmError(
        400,
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
      ),
      expected: { kind: "prune", reason: "INVALID_REGISTRATION_TOKEN" },
    },
    {
      name: "any other INVALID_ARGUMENT (payload, data key, TTL) fails and never prunes",
      status: 400,
      body: fcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid value at 'message.data[0].key'"),
      expected: { kind: "failed", reason: "INVALID_ARGUMENT" },
    },
    {
      name: "SENDER_ID_MISMATCH is a permanent configuration failure, not a prune",
      status: 403,
      body: fcmError(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH"),
      expected: { kind: "failed", reason: "SENDER_ID_MISMATCH" },
    },
    {
      name: "THIRD_PARTY_AUTH_ERROR (401) is a permanent configuration failure, not a re-auth",
      status: 401,
      body: fcmError(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR"),
      expected: { kind: "failed", reason: "THIRD_PARTY_AUTH_ERROR" },
    },
    {
      name: "QUOTA_EXCEEDED retries after the Retry-After seconds",
      status: 429,
      body: fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"),
      context: { retryAfterHeader: "37" },
      expected: { kind: "retry", delaySeconds: 37, reason: "QUOTA_EXCEEDED" },
    },
    {
      name: "UNAVAILABLE retries after a Retry-After given as an HTTP-date",
      status: 503,
      body: fcmError(503, "UNAVAILABLE", "UNAVAILABLE"),
      context: { retryAfterHeader: new Date(NOW + 90_000).toUTCString() },
      expected: { kind: "retry", delaySeconds: 90, reason: "UNAVAILABLE" },
    },
    {
      name: "INTERNAL without Retry-After backs off 4 s on the third attempt",
      status: 500,
      body: fcmError(500, "INTERNAL", "INTERNAL"),
      context: { attempt: 3 },
      expected: { kind: "retry", delaySeconds: 4, reason: "INTERNAL" },
    },
    {
      name: "a bare 429 without an FCM error code still retries",
      status: 429,
      body: "Too Many Requests",
      context: { retryAfterHeader: "5" },
      expected: { kind: "retry", delaySeconds: 5, reason: "RATE_LIMITED" },
    },
    {
      name: "a bare 502 from a proxy retries with backoff",
      status: 502,
      body: "<html>bad gateway</html>",
      context: { attempt: 2 },
      expected: { kind: "retry", delaySeconds: 2, reason: "HTTP_502" },
    },
    {
      name: "401 UNAUTHENTICATED without an FCM error code means our OAuth token: re-auth",
      status: 401,
      body: fcmError(401, "UNAUTHENTICATED"),
      expected: { kind: "reauth" },
    },
    {
      name: "a 404 without an FCM error code fails rather than guessing the token is dead",
      status: 404,
      body: fcmError(404, "NOT_FOUND"),
      expected: { kind: "failed", reason: "NOT_FOUND" },
    },
    {
      name: "the error code is read from details even when the HTTP status disagrees",
      status: 400,
      body: fcmError(400, "INVALID_ARGUMENT", "UNREGISTERED"),
      expected: { kind: "prune", reason: "UNREGISTERED" },
    },
  ];
  it.each(rows)("$name", ({ status, body, context, expected }) => {
    expect(classifyPushResult("fcm", status, body, ctx(context))).toEqual(expected);
  });
});

describe("classifyPushResult for APNs", () => {
  const registered = NOW - 86_400_000;
  const rows: Row[] = [
    { name: "a 200 is sent", status: 200, body: "", expected: { kind: "sent" } },
    {
      name: "410 Unregistered with a timestamp after the token was registered prunes",
      status: 410,
      body: { reason: "Unregistered", timestamp: registered + 1000 },
      context: { tokenUpdatedAt: registered },
      expected: { kind: "prune", reason: "Unregistered" },
    },
    {
      name: "410 Unregistered with a timestamp before the token was registered fails and keeps the token",
      status: 410,
      body: { reason: "Unregistered", timestamp: registered - 1000 },
      context: { tokenUpdatedAt: registered },
      expected: { kind: "failed", reason: "Unregistered_STALE" },
    },
    {
      name: "410 ExpiredToken with a later timestamp prunes",
      status: 410,
      body: { reason: "ExpiredToken", timestamp: registered + 5 },
      context: { tokenUpdatedAt: registered },
      expected: { kind: "prune", reason: "ExpiredToken" },
    },
    {
      name: "410 Unregistered for a token with no known registration time prunes",
      status: 410,
      body: { reason: "Unregistered", timestamp: registered },
      expected: { kind: "prune", reason: "Unregistered" },
    },
    {
      name: "400 BadDeviceToken prunes",
      status: 400,
      body: { reason: "BadDeviceToken" },
      expected: { kind: "prune", reason: "BadDeviceToken" },
    },
    {
      name: "400 DeviceTokenNotForTopic prunes",
      status: 400,
      body: { reason: "DeviceTokenNotForTopic" },
      expected: { kind: "prune", reason: "DeviceTokenNotForTopic" },
    },
    {
      name: "403 ExpiredProviderToken asks for a re-mint",
      status: 403,
      body: { reason: "ExpiredProviderToken" },
      expected: { kind: "reauth" },
    },
    ...["InvalidProviderToken", "MissingProviderToken", "Forbidden"].map((reason): Row => ({
      name: `403 ${reason} fails permanently and never prunes`,
      status: 403,
      body: { reason },
      expected: { kind: "failed", reason },
    })),
    ...["BadTopic", "MissingTopic", "BadCollapseId", "BadExpirationDate", "BadPriority", "PayloadEmpty"].map(
      (reason): Row => ({
        name: `400 ${reason} fails permanently and never prunes`,
        status: 400,
        body: { reason },
        expected: { kind: "failed", reason },
      }),
    ),
    {
      name: "413 PayloadTooLarge fails permanently and never prunes",
      status: 413,
      body: { reason: "PayloadTooLarge" },
      expected: { kind: "failed", reason: "PayloadTooLarge" },
    },
    {
      name: "429 TooManyRequests retries after the Retry-After seconds",
      status: 429,
      body: { reason: "TooManyRequests" },
      context: { retryAfterHeader: "12" },
      expected: { kind: "retry", delaySeconds: 12, reason: "TooManyRequests" },
    },
    {
      name: "429 TooManyProviderTokenUpdates fails for now instead of retrying",
      status: 429,
      body: { reason: "TooManyProviderTokenUpdates" },
      expected: { kind: "failed", reason: "TooManyProviderTokenUpdates" },
    },
    {
      name: "500 InternalServerError retries with backoff",
      status: 500,
      body: { reason: "InternalServerError" },
      context: { attempt: 1 },
      expected: { kind: "retry", delaySeconds: 1, reason: "InternalServerError" },
    },
    {
      name: "503 ServiceUnavailable retries after the Retry-After seconds",
      status: 503,
      body: { reason: "ServiceUnavailable" },
      context: { retryAfterHeader: "30" },
      expected: { kind: "retry", delaySeconds: 30, reason: "ServiceUnavailable" },
    },
    {
      name: "a 503 without a JSON body still retries",
      status: 503,
      body: "upstream down",
      context: { attempt: 4 },
      expected: { kind: "retry", delaySeconds: 8, reason: "HTTP_503" },
    },
  ];
  it.each(rows)("$name", ({ status, body, context, expected }) => {
    expect(classifyPushResult("apns", status, body, ctx(context))).toEqual(expected);
  });
});

describe("Retry-After and backoff", () => {
  it.each([
    { header: "0", expected: 0 },
    { header: " 120 ", expected: 120 },
    { header: "999999", expected: 86_400 },
    { header: new Date(NOW - 60_000).toUTCString(), expected: 0 },
    { header: "soon", expected: undefined },
    { header: "", expected: undefined },
    { header: null, expected: undefined },
  ])("reads Retry-After $header as $expected seconds", ({ header, expected }) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });

  it.each([
    { attempt: 1, random: 0, expected: 1 },
    { attempt: 2, random: 0, expected: 2 },
    { attempt: 3, random: 0, expected: 4 },
    { attempt: 4, random: 0.99, expected: 10 },
    { attempt: 20, random: 0, expected: 300 },
    { attempt: 20, random: 0.99, expected: 375 },
    { attempt: 0, random: 0, expected: 1 },
  ])("backs off $expected s on attempt $attempt with jitter $random", ({ attempt, random, expected }) => {
    expect(backoffSeconds(attempt, () => random)).toBe(expected);
  });

  it("spreads concurrent retries with jitter instead of retrying in lockstep", () => {
    const delays = new Set([0, 0.3, 0.6, 0.99].map((r) => backoffSeconds(5, () => r)));
    expect(delays.size).toBeGreaterThan(1);
  });
});
