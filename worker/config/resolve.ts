import type { Db } from "../db/client";
import type { DeviceProfile } from "../tailor/profile";
import { type FlagContext, evaluateFlags, usesEntitlements } from "./flags";
import type { FlagValue, RemoteConfig } from "./schema";
import { getLiveConfig } from "./store";

/** What one device sees of the remote config (`GET /v1/config`, and the home screen's `config`). */
export interface DeviceConfig {
  /** The minimum supported app version for the caller's platform; null if none is set or no X-Platform. */
  minVersion: string | null;
  storeUrl: string | null;
  flags: Record<string, FlagValue>;
}

/** The facts flag rules look at, from the device profile and the caller (if signed in). */
function flagContextOf(
  profile: DeviceProfile,
  userId: string | undefined,
  entitlements: readonly string[] | undefined,
): FlagContext {
  return {
    platform: profile.platform,
    appVersion: profile.appVersion,
    locale: profile.locales[0],
    userId,
    entitlements,
  };
}

/** Pure: the device's view of a config document. */
export function configForDevice(
  config: RemoteConfig,
  profile: DeviceProfile,
  userId: string | undefined,
  entitlements?: readonly string[],
): DeviceConfig {
  const policy = profile.platform ? config.platforms[profile.platform] : undefined;
  return {
    minVersion: policy?.minVersion ?? null,
    storeUrl: policy?.storeUrl ?? null,
    flags: evaluateFlags(config, flagContextOf(profile, userId, entitlements)),
  };
}

/**
 * The remote config for this device and user, from the per-isolate cache (no D1 round trip in
 * the steady state). `userId` is undefined for callers without an access token: percentage
 * rollouts then never match and they get the flag's default. `entitlements` loads the user's
 * active entitlement ids; it is called only when a rule names entitlements and there is a user,
 * so configs without such rules cost no read.
 */
export async function resolveConfigForDevice(
  db: Db,
  profile: DeviceProfile,
  userId: string | undefined,
  entitlements?: () => Promise<readonly string[]>,
): Promise<DeviceConfig> {
  const { config } = await getLiveConfig(db);
  const held =
    userId !== undefined && entitlements && usesEntitlements(config) ? await entitlements() : undefined;
  return configForDevice(config, profile, userId, held);
}
