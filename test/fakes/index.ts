// PLACEHOLDER (fakes work): real fake OIDC / FCM / APNs servers on loopback.
export interface FakeProviders {
  oidc: { name: string; issuer: string; jwksUri: string; audience: string };
  fcm: { apiBase: string; serviceAccount: string };
  apns: { apiBase: string; keyId: string; teamId: string; bundleId: string; keyP8: string };
  /** Base URL of the control API tests use to mint ID tokens, script failures, read deliveries. */
  controlUrl: string;
  close(): Promise<void>;
}

export async function startFakeProviders(): Promise<FakeProviders> {
  return {
    oidc: {
      name: "test",
      issuer: "http://127.0.0.1:9",
      jwksUri: "http://127.0.0.1:9/jwks",
      audience: "outpost-test",
    },
    fcm: { apiBase: "http://127.0.0.1:9", serviceAccount: "{}" },
    apns: {
      apiBase: "http://127.0.0.1:9",
      keyId: "KEY",
      teamId: "TEAM",
      bundleId: "com.example.outpost",
      keyP8: "",
    },
    controlUrl: "http://127.0.0.1:9",
    close: async () => {},
  };
}
