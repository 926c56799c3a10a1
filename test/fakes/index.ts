import { startAnalyticsSqlFake } from "./analytics-sql";
import { startApnsFake } from "./apns";
import { type AppStoreCredentials, startAppStoreFake } from "./app-store";
import { startControlServer } from "./control";
import { DeliveryLog } from "./deliveries";
import { type FcmCredentials, startFcmFake } from "./fcm";
import { startOidcFake } from "./oidc";
import { type PlayFake, startPlayFake } from "./play";
import type { ServiceAccountCredentials } from "./google-oauth";

export type { IdTokenRequest, IdTokenAlg } from "./oidc";
export type { Delivery, DeliverySummary, Provider } from "./deliveries";
export type { Script, ScriptedResponse } from "./scripts";
export type { FcmStats } from "./fcm";
export type { ApnsStats } from "./apns";
export type { AppStoreCredentials, SentNotification } from "./app-store";
export type { PlayAcknowledgement, PlayDelivery, PlayPush, PushTokenOptions } from "./play";
export type { FakePlayPurchase, PlayAction } from "./play-purchases";

/** What Outpost's PLAY_* configuration needs from the fake Play. */
type PlayFakeConfig =
  "apiBase" | "packageName" | "serviceAccount" | "pushAudience" | "pushServiceAccountEmail" | "jwksUri";

export interface FakeProviders {
  oidc: { name: string; issuer: string; jwksUri: string; audience: string };
  /** serviceAccount: JSON {project_id, client_email, private_key (PKCS#8 PEM), token_uri (the fake's)}. */
  fcm: { apiBase: string; serviceAccount: string };
  apns: { apiBase: string; keyId: string; teamId: string; bundleId: string; keyP8: string };
  /** Fake Play Developer API + the Pub/Sub push signer (its JWKS is the OIDC issuer's). */
  play: Pick<PlayFake, PlayFakeConfig>;
  /** The fake App Store: its test root (APPSTORE_ROOT_CERTS), Server API and in-app purchase key. */
  appStore: {
    apiBase: string;
    bundleId: string;
    appAppleId: number;
    environment: string;
    rootPem: string;
    rootKeyPem: string;
    keyP8: string;
    keyId: string;
    issuerId: string;
  };
  /** Base URL of the control API tests use to mint ID tokens, script failures, read deliveries. */
  controlUrl: string;
  /** The fake Analytics Engine SQL API (./analytics-sql.ts): its base URL, account and token. */
  analyticsSql: { apiBase: string; accountId: string; token: string };
  close(): Promise<void>;
}

export interface FakeProvidersOptions {
  /** Loopback by default; the fakes are never meant to be reachable from elsewhere. */
  host?: string;
  /** 0 (the default) picks a free port; `npm run dev` passes fixed ones (9700–9705). */
  ports?: { control?: number; oidc?: number; fcm?: number; apns?: number; appStore?: number; play?: number };
  /** The issuer's provider name and expected audience (`npm run dev` uses "dev" / "outpost-dev"). */
  oidc?: { name?: string; audience?: string };
  /** Where the fake Play sends its Pub/Sub pushes (`npm run dev`: the Worker's /v1/webhooks/play), and the push audience. */
  play?: { webhookUrl?: string; pushAudience?: string; packageName?: string };
  /**
   * Key material to accept instead of fresh keys, so a restarted `npm run dev` still matches the
   * credentials its `.dev.vars` holds.
   */
  credentials?: {
    fcm?: FcmCredentials;
    apns?: { keyP8: string; keyId: string; teamId: string; bundleId?: string };
    play?: ServiceAccountCredentials;
    appStore?: Partial<AppStoreCredentials>;
  };
  /** The worker's App Store webhook, where the QA page's purchase buttons send notifications. */
  storeWebhookUrl?: string;
}

/**
 * Starts the fake OIDC issuer, FCM, APNs, Google Play and the control API (with the QA page at its root),
 * each on its own loopback port, with key material generated fresh for this run.
 */
export async function startFakeProviders(options: FakeProvidersOptions = {}): Promise<FakeProviders> {
  const host = options.host ?? "127.0.0.1";
  const ports = options.ports ?? {};
  const log = new DeliveryLog();
  const credentials = options.credentials ?? {};
  const oidc = await startOidcFake({ host, port: ports.oidc ?? 0, ...options.oidc });
  const fcm = await startFcmFake({ host, port: ports.fcm ?? 0, log, credentials: credentials.fcm });
  const apns = await startApnsFake({
    host,
    port: ports.apns ?? 0,
    log,
    bundleId: credentials.apns?.bundleId,
    credentials: credentials.apns,
  });
  const analyticsSql = await startAnalyticsSqlFake({ host });
  const appStore = await startAppStoreFake({
    host,
    port: ports.appStore ?? 0,
    credentials: credentials.appStore,
    bundleId: credentials.apns?.bundleId,
  });
  const play = await startPlayFake({
    host,
    port: ports.play ?? 0,
    oidc,
    credentials: credentials.play,
    ...options.play,
  });
  const control = await startControlServer(
    { oidc, fcm, apns, appStore, log, storeWebhookUrl: options.storeWebhookUrl, play },
    host,
    ports.control ?? 0,
  );
  return {
    oidc: { name: oidc.name, issuer: oidc.issuer, jwksUri: oidc.jwksUri, audience: oidc.audience },
    fcm: { apiBase: fcm.apiBase, serviceAccount: fcm.serviceAccount },
    apns: {
      apiBase: apns.apiBase,
      keyId: apns.keyId,
      teamId: apns.teamId,
      bundleId: apns.bundleId,
      keyP8: apns.keyP8,
    },
    appStore: {
      apiBase: appStore.apiBase,
      bundleId: appStore.bundleId,
      appAppleId: appStore.appAppleId,
      environment: appStore.environment,
      rootPem: appStore.rootPem,
      rootKeyPem: appStore.rootKeyPem,
      keyP8: appStore.keyP8,
      keyId: appStore.keyId,
      issuerId: appStore.issuerId,
    },
    play: pick(play, [
      "apiBase",
      "packageName",
      "serviceAccount",
      "pushAudience",
      "pushServiceAccountEmail",
      "jwksUri",
    ]),
    controlUrl: control.url,
    analyticsSql: {
      apiBase: analyticsSql.apiBase,
      accountId: analyticsSql.accountId,
      token: analyticsSql.token,
    },
    close: async () => {
      await Promise.all([
        control.close(),
        oidc.close(),
        fcm.close(),
        apns.close(),
        appStore.close(),
        play.close(),
        analyticsSql.close(),
      ]);
    },
  };
}

function pick<T, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, from[k]])) as Pick<T, K>;
}
