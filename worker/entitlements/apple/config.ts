import { APPLE_ROOT_CA_G3_PEM } from "./root-g3";
import { pemToDer } from "./x509";

/** What signed App Store messages must name, read from the APPSTORE_* vars. */
export interface AppStoreConfig {
  bundleId: string;
  /** Checked on notifications in Production (Apple's library requires it there). */
  appAppleId: number | null;
  /** "Production" or "Sandbox". */
  environment: string;
  roots: Uint8Array[];
}

/** The vars it reads (a structural subset of Env, so Node tools can pass plain objects). */
export interface AppStoreVars {
  APPSTORE_BUNDLE_ID?: string;
  APPSTORE_APP_APPLE_ID?: string;
  APPSTORE_ENVIRONMENT?: string;
  APPSTORE_ROOT_CERTS?: string;
}

let cached: { key: string; config: AppStoreConfig } | undefined;

/**
 * The App Store configuration, parsed once per isolate per value. Null when the deployment is
 * not set up for the App Store (no bundle id): every App Store message is then refused.
 */
export function appStoreConfig(env: AppStoreVars): AppStoreConfig | null {
  const key = [
    env.APPSTORE_BUNDLE_ID,
    env.APPSTORE_APP_APPLE_ID,
    env.APPSTORE_ENVIRONMENT,
    env.APPSTORE_ROOT_CERTS,
  ].join("\u0000");
  if (cached?.key === key) return cached.config.bundleId ? cached.config : null;
  const roots = env.APPSTORE_ROOT_CERTS?.trim()
    ? pemToDer(env.APPSTORE_ROOT_CERTS)
    : pemToDer(APPLE_ROOT_CA_G3_PEM);
  const appAppleId = /^\d{1,20}$/.test(env.APPSTORE_APP_APPLE_ID ?? "")
    ? Number(env.APPSTORE_APP_APPLE_ID)
    : null;
  const config: AppStoreConfig = {
    bundleId: env.APPSTORE_BUNDLE_ID ?? "",
    appAppleId,
    environment: env.APPSTORE_ENVIRONMENT || "Production",
    roots,
  };
  cached = { key, config };
  return config.bundleId ? config : null;
}
