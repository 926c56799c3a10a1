import type { MiddlewareHandler } from "hono";
import { getLiveConfig } from "../config/store";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { compareVersions } from "../lib/semver";

/**
 * Paths an outdated app can still reach: `/v1/config` (how it learns the minimum version and
 * store URL) and `/healthz` (the contract's two), plus the public, app-independent documents —
 * the JWKS other services verify tokens with and the API docs — which no app build calls.
 */
function isVersionPolicyExempt(path: string): boolean {
  return (
    path === "/v1/config" ||
    path === "/healthz" ||
    path.startsWith("/.well-known/") ||
    path === "/openapi.json" ||
    path === "/docs"
  );
}

/**
 * `426 upgrade_required` (with `minVersion` and `storeUrl`) when X-App-Version is below the
 * minimum for X-Platform. Requests without a valid platform or version header pass: servers,
 * scripts and the admin are not apps. Reads the per-isolate config cache: no D1 round trip per
 * request in the steady state. If the config cannot be loaded the request passes (and is logged):
 * a version gate must not turn a D1 hiccup into an outage for every app.
 */
export function appVersionPolicy(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { platform, appVersion } = c.get("profile");
    if (!platform || !appVersion || isVersionPolicyExempt(c.req.path)) return next();
    let policy;
    try {
      policy = (await getLiveConfig(c.var.db)).config.platforms[platform];
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "warn",
          requestId: c.get("requestId"),
          message: "version policy skipped: config unavailable",
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      return next();
    }
    if (policy && compareVersions(appVersion, policy.minVersion) < 0) {
      throw new ApiError(
        426,
        "upgrade_required",
        `This app version is no longer supported; ${platform} needs ${policy.minVersion} or later`,
        { extra: { minVersion: policy.minVersion, storeUrl: policy.storeUrl } },
      );
    }
    return next();
  };
}
