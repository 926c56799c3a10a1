import { createRoute, z } from "@hono/zod-openapi";
import { resolveConfigForDevice } from "../config/resolve";
import { activeEntitlementsLoader } from "../entitlements/active";
import { FlagValueSchema } from "../config/schema";
import { respondCacheable } from "../http/cacheable";
import { asOptionalUser, createRouter, problem } from "../openapi";

export const configRoutes = createRouter();

const DeviceConfigSchema = z
  .object({
    minVersion: z.string().nullable().openapi({ example: "3.0.0" }),
    storeUrl: z.string().nullable().openapi({ example: "https://apps.apple.com/app/id1" }),
    flags: z.record(z.string(), FlagValueSchema).openapi({ example: { newOnboarding: true } }),
  })
  .openapi("DeviceConfig");

/** The answer depends on these request headers; caches must key on them. */
const VARY = ["X-Platform", "X-App-Version", "Accept-Language", "Authorization"];

configRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "getConfig",
    tags: ["config"],
    summary: "Remote config and feature flags for this device",
    description:
      "Evaluated for the caller's X-Platform, X-App-Version, first Accept-Language locale and (for " +
      "percentage rollouts and entitlement rules) user. Callers without an access token never match " +
      "percentage or entitlement rules. " +
      "Open to outdated apps too: it is how they learn the minimum version and store URL.",
    ...asOptionalUser,
    request: {
      headers: z.object({ "if-none-match": z.string().optional() }),
    },
    responses: {
      200: {
        description: "The config for this device, with a strong ETag",
        headers: z.object({ ETag: z.string() }),
        content: { "application/json": { schema: DeviceConfigSchema } },
      },
      304: { description: "Unchanged since the ETag in If-None-Match" },
      401: problem(
        401,
        "unauthorized: an access token was sent but is invalid (send none to be evaluated anonymously)",
      ),
    },
  }),
  async (c) => {
    const userId = c.get("auth")?.userId;
    const config = await resolveConfigForDevice(
      c.var.db,
      c.get("profile"),
      userId,
      activeEntitlementsLoader(c, userId),
    );
    // The compression middleware answers 304 when the client already holds this representation.
    return respondCacheable(c, config, { vary: VARY });
  },
);
