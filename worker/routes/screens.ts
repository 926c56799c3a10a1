import { createRoute, z } from "@hono/zod-openapi";
import { resolveConfigForDevice } from "../config/resolve";
import { activeEntitlementIds } from "../entitlements/derive";
import { entitlementsFromPurchases } from "../entitlements/active";
import { EntitlementSchema } from "../entitlements/schema";
import { unauthorized } from "../errors";
import { respondCacheable } from "../http/cacheable";
import { asUser, createRouter, problems } from "../openapi";
import { pageSize, TAILORING_HEADERS } from "../tailor/decisions";
import { assembleHome, HOME_FIELD_SHAPE } from "../screens/home";
import { readHome } from "../screens/queries";
import { applySelection, imageContext, parseFieldSelection } from "../tailor/project";

/** Whole screens in one round trip, tailored to the device (the BFF part), mounted at /v1/screens. */
export const screensRoutes = createRouter();

const HomeScreenSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string().nullable(), anonymous: z.boolean() }).partial(),
    spaces: z.array(
      z
        .object({
          id: z.string(),
          name: z.string(),
          role: z.enum(["owner", "editor", "viewer"]),
          recordCount: z.number().int(),
        })
        .partial(),
    ),
    recent: z.array(
      z
        .object({ space: z.string(), collection: z.string(), key: z.string(), version: z.number().int() })
        .catchall(z.unknown())
        .openapi({ description: "Identity plus the record's value fields this app version knows" }),
    ),
    unreadCount: z.number().int(),
    entitlements: z.array(EntitlementSchema.partial()).openapi({ description: "As GET /v1/entitlements" }),
    config: z
      .object({ minVersion: z.string().nullable(), flags: z.record(z.string(), z.unknown()) })
      .partial(),
  })
  .partial()
  .openapi("HomeScreen");

/** Every request header the home screen's bytes depend on (the middleware adds Accept-Encoding). */
const VARY = [...TAILORING_HEADERS, "Authorization"];

screensRoutes.openapi(
  createRoute({
    method: "get",
    path: "/home",
    operationId: "getHomeScreen",
    tags: ["screens"],
    summary: "Everything the home screen renders, in one round trip",
    description:
      "Tailored to the device profile: fewer recent records on Save-Data or a slow ECT, image URLs " +
      "sized for DPR × Viewport-Width, fields the app version does not know left out. `fields` picks " +
      "a sparse field set (`user,recent.title`); picking any key of a list item keeps its identity " +
      "keys (`space, collection, key, version` for recent records, `id` for spaces).",
    ...asUser(),
    request: {
      query: z.object({
        fields: z
          .string()
          .optional()
          .openapi({ example: "user,recent.title,recent.done", description: "Comma-separated field paths" }),
      }),
    },
    responses: {
      200: {
        description: "The home screen, with an ETag per representation",
        headers: z.object({ ETag: z.string(), Vary: z.string() }),
        content: { "application/json": { schema: HomeScreenSchema } },
      },
      304: { description: "Unchanged since the ETag in If-None-Match" },
      ...problems(400, 401, 426),
    },
  }),
  async (c) => {
    const auth = c.var.auth;
    const profile = c.get("profile");
    const { fields } = c.req.valid("query");
    // Validate before reading anything: a bad request costs no D1 round trip.
    const selection = fields === undefined ? undefined : parseFieldSelection(fields, HOME_FIELD_SHAPE);

    const now = Date.now();
    const reading = readHome(c.var.db, auth.userId, pageSize(profile));
    // Entitlement rules read the purchases the home batch already fetches: still one round trip.
    const [reads, config] = await Promise.all([
      reading,
      resolveConfigForDevice(c.var.db, profile, auth.userId, async () =>
        activeEntitlementIds(entitlementsFromPurchases(c.env, (await reading).purchases, now)),
      ),
    ]);
    const user = reads.user;
    if (!user) throw unauthorized("The user no longer exists");

    const entitlements = entitlementsFromPurchases(c.env, reads.purchases, now);
    const body = assembleHome(
      { ...reads, user },
      config,
      profile.appVersion,
      imageContext(profile, c.env.IMAGE_HOSTS, c.req.url),
      entitlements,
    );
    // The compression middleware answers 304 when the client already holds this representation.
    return respondCacheable(c, selection ? applySelection(body, selection) : body, { vary: VARY });
  },
);
