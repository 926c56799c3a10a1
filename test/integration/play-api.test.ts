import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createPlayApi, PlayApiError } from "../../worker/entitlements/play/api-client";
import { PubSubUnauthorized, verifyPubSubPush } from "../../worker/entitlements/play/pubsub-auth";
import { playAccessToken, readPlayServiceAccount } from "../../worker/entitlements/play/service-account";
import { spyOutbound } from "./push-provider-control";
import { createPlayPurchase, failPlayApi, playAcknowledgements, playToken, pushToken } from "./play-helpers";

const api = () => createPlayApi(env, env.PLAY_PACKAGE_NAME);

describe("Play Developer API client (against the fake, with a service-account token)", () => {
  it("reads a subscription through subscriptionsv2 and acknowledges it", async () => {
    const { purchase } = await createPlayPurchase({ productId: "pro_monthly", userId: "u-api-1" });
    const sub = await api().getSubscription(purchase.token);
    expect(sub).toMatchObject({
      subscriptionState: "SUBSCRIPTION_STATE_ACTIVE",
      acknowledgementState: "ACKNOWLEDGEMENT_STATE_PENDING",
      externalAccountIdentifiers: { obfuscatedExternalAccountId: "u-api-1" },
    });
    expect(sub.lineItems[0]?.productId).toBe("pro_monthly");
    await api().acknowledgeSubscription("pro_monthly", purchase.token);
    expect(await playAcknowledgements(purchase.token)).toMatchObject([
      { kind: "subscription", productId: "pro_monthly" },
    ]);
    expect((await api().getSubscription(purchase.token)).acknowledgementState).toBe(
      "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED",
    );
  });

  it("reads and acknowledges a one-time product", async () => {
    const { purchase } = await createPlayPurchase({
      productId: "lifetime",
      userId: "u-api-2",
      kind: "product",
    });
    expect(await api().getProduct("lifetime", purchase.token)).toMatchObject({
      purchaseState: 0,
      acknowledgementState: 0,
    });
    await api().acknowledgeProduct("lifetime", purchase.token);
    expect(await playAcknowledgements(purchase.token)).toHaveLength(1);
  });

  it("says not found for a token Google does not know, and retryable for a 503", async () => {
    const unknown = await api()
      .getSubscription(playToken())
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PlayApiError);
    expect((unknown as PlayApiError).notFound).toBe(true);
    expect((unknown as PlayApiError).retryable).toBe(false);

    const { purchase } = await createPlayPurchase({ productId: "pro_monthly" });
    await failPlayApi(purchase.token, 503, 1, "get");
    const failed = await api()
      .getSubscription(purchase.token)
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ status: 503, retryable: true });
    expect((await api().getSubscription(purchase.token)).subscriptionState).toBe("SUBSCRIPTION_STATE_ACTIVE");
  });

  it("is refused by the fake for another package (the bearer and path are checked)", async () => {
    const { purchase } = await createPlayPurchase({ productId: "pro_monthly" });
    const other = await createPlayApi(env, "com.example.other")
      .getSubscription(purchase.token)
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ status: 403, retryable: false });
  });
});

describe("the Play service-account token", () => {
  it("is exchanged once for many concurrent calls and reused by another isolate (the PlayCredentials object)", async () => {
    playAccessToken.reset();
    const minter = env.PLAY_CREDENTIALS.get(env.PLAY_CREDENTIALS.idFromName("play"));
    await runInDurableObject(minter, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM access_token");
    });
    const tokenUri = readPlayServiceAccount(env).tokenUri;
    const spy = spyOutbound();
    try {
      const purchases = await Promise.all(
        Array.from({ length: 8 }, () => createPlayPurchase({ productId: "pro_monthly" })),
      );
      const answers = await Promise.all(
        purchases.map(({ purchase }) => api().getSubscription(purchase.token)),
      );
      expect(answers.every((a) => a.subscriptionState === "SUBSCRIPTION_STATE_ACTIVE")).toBe(true);
      playAccessToken.reset(); // as if the next call ran in a fresh isolate
      await api().getSubscription(purchases[0]!.purchase.token);
      expect(spy.calls.filter((c) => c.url === tokenUri)).toHaveLength(1);
      // Every API call carried that one token.
      const bearers = new Set(
        spy.calls
          .filter((c) => c.url.includes("/androidpublisher/"))
          .map((c) => c.headers.get("authorization")),
      );
      expect(bearers.size).toBe(1);
    } finally {
      spy.restore();
    }
  });
});

describe("the Play service-account token, refused", () => {
  it("is replaced once when Google answers 401, and the call retried", async () => {
    const { purchase } = await createPlayPurchase({ productId: "pro_monthly" });
    await api().getSubscription(purchase.token); // a token is cached now
    const res = await fetch(`${env.FAKES_CONTROL_URL}/play/expire-tokens`, { method: "POST" });
    expect(res.status).toBe(200);
    const spy = spyOutbound();
    try {
      expect((await api().getSubscription(purchase.token)).subscriptionState).toBe(
        "SUBSCRIPTION_STATE_ACTIVE",
      );
      const tokenUri = readPlayServiceAccount(env).tokenUri;
      expect(spy.calls.filter((c) => c.url === tokenUri)).toHaveLength(1);
      expect(spy.calls.filter((c) => c.url.includes("/subscriptionsv2/"))).toHaveLength(2);
    } finally {
      spy.restore();
    }
  });
});

describe("Pub/Sub push authentication", () => {
  const verify = async (authorization: string | undefined) =>
    verifyPubSubPush(env, authorization).then(
      () => "ok",
      (e: unknown) => (e instanceof PubSubUnauthorized ? "refused" : `threw ${String(e)}`),
    );

  it("accepts a genuine Pub/Sub token", async () => {
    expect(await verify(`Bearer ${await pushToken()}`)).toBe("ok");
  });

  it.each([
    ["a wrong audience", { aud: "someone-else" }],
    ["another service account", { email: "attacker@evil.iam.gserviceaccount.com" }],
    ["an unverified email", { emailVerified: false }],
    ["a wrong issuer", { iss: "https://evil.example.com" }],
    ["an expired token", { expiresIn: -120 }],
    ["an unpublished key under a published kid", { signWith: "unknown-key" as const }],
    ["ES256 instead of RS256", { alg: "ES256" as const }],
    ["HS256 key confusion", { alg: "HS256" as const }],
    ["alg none", { alg: "none" as const }],
  ])("refuses %s", async (_, options) => {
    expect(await verify(`Bearer ${await pushToken(options)}`)).toBe("refused");
  });

  it("refuses a missing or malformed Authorization header", async () => {
    expect(await verify(undefined)).toBe("refused");
    expect(await verify("Basic abc")).toBe("refused");
    expect(await verify("Bearer not.a.jwt")).toBe("refused");
  });

  it("refuses everything while the audience or service account is not configured", async () => {
    const token = `Bearer ${await pushToken()}`;
    await expect(verifyPubSubPush({ ...env, PLAY_PUBSUB_AUDIENCE: "" }, token)).rejects.toThrow(
      PubSubUnauthorized,
    );
    await expect(verifyPubSubPush({ ...env, PLAY_PUBSUB_SERVICE_ACCOUNT_EMAIL: " " }, token)).rejects.toThrow(
      PubSubUnauthorized,
    );
  });
});
