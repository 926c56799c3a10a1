import type { FakeProviders } from "../../test/fakes";

/** The products the fake stores sell that grant the demo's "pro" entitlement. */
export const DEMO_PRO_PRODUCTS = [
  "com.example.pro.monthly",
  "com.example.pro.yearly",
  "com.example.pro.lifetime",
];

/**
 * The Worker's provider vars and secrets pointing at the fake OIDC/FCM/APNs/App Store/Play servers: one mapping
 * shared by `npm run dev` (written to `.dev.vars`), the end-to-end tests and the benchmark, so the
 * three never drift apart.
 */
export function providerBindings(fakes: FakeProviders): Record<string, string> {
  return {
    OIDC_PROVIDERS: JSON.stringify([
      {
        name: fakes.oidc.name,
        issuer: fakes.oidc.issuer,
        jwksUri: fakes.oidc.jwksUri,
        audiences: [fakes.oidc.audience],
      },
    ]),
    FCM_API_BASE: fakes.fcm.apiBase,
    FCM_SERVICE_ACCOUNT: fakes.fcm.serviceAccount,
    APNS_API_BASE: fakes.apns.apiBase,
    APNS_KEY_P8: fakes.apns.keyP8,
    APNS_KEY_ID: fakes.apns.keyId,
    APNS_TEAM_ID: fakes.apns.teamId,
    APNS_BUNDLE_ID: fakes.apns.bundleId,
    // The fake App Store: its test root replaces Apple's, its Server API and in-app purchase key.
    APPSTORE_BUNDLE_ID: fakes.appStore.bundleId,
    APPSTORE_APP_APPLE_ID: String(fakes.appStore.appAppleId),
    APPSTORE_ENVIRONMENT: fakes.appStore.environment,
    APPSTORE_ROOT_CERTS: fakes.appStore.rootPem,
    APPSTORE_API_BASE: fakes.appStore.apiBase,
    APPSTORE_KEY_P8: fakes.appStore.keyP8,
    APPSTORE_KEY_ID: fakes.appStore.keyId,
    APPSTORE_ISSUER_ID: fakes.appStore.issuerId,
    PLAY_PACKAGE_NAME: fakes.play.packageName,
    PLAY_API_BASE: fakes.play.apiBase,
    PLAY_SERVICE_ACCOUNT: fakes.play.serviceAccount,
    PLAY_PUBSUB_AUDIENCE: fakes.play.pushAudience,
    PLAY_PUBSUB_SERVICE_ACCOUNT_EMAIL: fakes.play.pushServiceAccountEmail,
    GOOGLE_OIDC_JWKS_URL: fakes.play.jwksUri,
    // What the fake stores sell: the demo's "pro" entitlement.
    ENTITLEMENTS: JSON.stringify({ pro: DEMO_PRO_PRODUCTS }),
  };
}
