import { startControlServer } from "./control";
import { startOidcFake } from "./oidc";

export type { IdTokenRequest, IdTokenAlg } from "./oidc";

export interface FakeProviders {
  oidc: { name: string; issuer: string; jwksUri: string; audience: string };
  /** serviceAccount: JSON {project_id, client_email, private_key (PKCS#8 PEM), token_uri (the fake's)}. */
  fcm: { apiBase: string; serviceAccount: string };
  apns: { apiBase: string; keyId: string; teamId: string; bundleId: string; keyP8: string };
  /** Base URL of the control API tests use to mint ID tokens, script failures, read deliveries. */
  controlUrl: string;
  close(): Promise<void>;
}

export interface FakeProvidersOptions {
  /** Loopback by default; the fakes are never meant to be reachable from elsewhere. */
  host?: string;
  /** 0 (the default) picks a free port; `npm run dev` passes fixed ones (9700–9703). */
  ports?: { control?: number; oidc?: number; fcm?: number; apns?: number };
}

/** Starts the fake OIDC issuer, FCM, APNs and the control API, each on its own loopback port. */
export async function startFakeProviders(options: FakeProvidersOptions = {}): Promise<FakeProviders> {
  const host = options.host ?? "127.0.0.1";
  const ports = options.ports ?? {};
  const oidc = await startOidcFake({ host, port: ports.oidc ?? 0 });
  const control = await startControlServer({ oidc }, host, ports.control ?? 0);
  return {
    oidc: { name: oidc.name, issuer: oidc.issuer, jwksUri: oidc.jwksUri, audience: oidc.audience },
    fcm: { apiBase: "http://127.0.0.1:9", serviceAccount: "{}" },
    apns: {
      apiBase: "http://127.0.0.1:9",
      keyId: "KEY",
      teamId: "TEAM",
      bundleId: "com.example.outpost",
      keyP8: "",
    },
    controlUrl: control.url,
    close: async () => {
      await Promise.all([control.close(), oidc.close()]);
    },
  };
}
