import { createRoute, z } from "@hono/zod-openapi";
import { deleteDevice, listDevices, registerDevice } from "../devices/queries";
import { notFound } from "../errors";
import { parseSemver, versionKey } from "../lib/semver";
import { requireUser } from "../middleware/auth";
import { createRouter } from "../openapi";

export const devicesRoutes = createRouter();
// `bearerAuth` (the access-token security scheme) is registered by the auth routes.
devicesRoutes.use("*", requireUser());

export const MAX_TOPICS = 50;
const TOPIC = /^[A-Za-z0-9\-_.~%]{1,64}$/;
/** APNs device tokens are hex (32 bytes today; Apple says not to rely on the length). */
const APNS_TOKEN = /^[0-9A-Fa-f]{64,200}$/;
/** FCM registration tokens: base64url-ish with `:` (about 150-200 characters today). */
const FCM_TOKEN = /^[A-Za-z0-9_:.-]{20,4096}$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,6}$/;
/** IANA names are words separated by `/`; this keeps out offsets (`+02:00`) before Intl sees them. */
const TZ_NAME = /^[A-Za-z][A-Za-z0-9_+-]{0,31}(\/[A-Za-z0-9_+-]{1,32}){0,3}$/;

/** The IANA name as the runtime spells it (`europe/zurich` → `Europe/Zurich`), or null if unknown. */
export function canonicalTimeZone(value: string): string | null {
  if (!TZ_NAME.test(value)) return null;
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** A well-formed BCP 47 tag in canonical case (`de-ch` → `de-CH`), or null. */
export function canonicalLocale(value: string): string | null {
  if (!LOCALE.test(value)) return null;
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    return null;
  }
}

const DeviceId = z
  .string()
  .regex(/^[A-Za-z0-9-]{8,64}$/, "must be the install id: 8..64 of A-Z a-z 0-9 -")
  .openapi({ param: { name: "deviceId", in: "path" }, example: "7f3c2a1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b" });

const DeviceRegistrationSchema = z
  .strictObject({
    platform: z.enum(["ios", "android"]),
    pushProvider: z
      .enum(["apns", "fcm"])
      .nullable()
      .optional()
      .openapi({ description: "apns (iOS only) or fcm (Android, or iOS through Firebase)" }),
    pushToken: z.string().min(1).max(4096).nullable().optional(),
    appVersion: z
      .string()
      .max(64)
      .refine(
        (v) => parseSemver(v) !== null && versionKey(v) !== null,
        "must be a semver version such as 3.2.1",
      )
      .nullable()
      .optional(),
    locale: z
      .string()
      .max(64)
      .refine((v) => canonicalLocale(v) !== null, "must be a BCP 47 language tag such as de-CH")
      .nullable()
      .optional(),
    timezone: z
      .string()
      .max(128)
      .refine((v) => canonicalTimeZone(v) !== null, "must be an IANA time zone name such as Europe/Zurich")
      .nullable()
      .optional(),
    topics: z
      .array(z.string().regex(TOPIC, "topics are 1..64 of A-Z a-z 0-9 - _ . ~ %"))
      .max(MAX_TOPICS)
      .optional(),
  })
  .superRefine((d, ctx) => {
    const hasToken = d.pushToken !== null && d.pushToken !== undefined;
    const hasProvider = d.pushProvider !== null && d.pushProvider !== undefined;
    if (hasToken !== hasProvider) {
      ctx.addIssue({
        code: "custom",
        path: [hasToken ? "pushProvider" : "pushToken"],
        message: "pushProvider and pushToken are given together",
      });
    }
    if (d.pushProvider === "apns" && d.platform !== "ios") {
      ctx.addIssue({ code: "custom", path: ["pushProvider"], message: "apns is only for ios devices" });
    }
    if (hasToken && hasProvider) {
      const ok =
        d.pushProvider === "apns" ? APNS_TOKEN.test(d.pushToken ?? "") : FCM_TOKEN.test(d.pushToken ?? "");
      if (!ok) {
        ctx.addIssue({
          code: "custom",
          path: ["pushToken"],
          message: d.pushProvider === "apns" ? "an APNs token is hex" : "not an FCM registration token",
        });
      }
    }
  })
  .openapi("DeviceRegistration", {
    example: {
      platform: "ios",
      pushProvider: "apns",
      pushToken: "a".repeat(64),
      appVersion: "3.2.1",
      locale: "de-CH",
      timezone: "Europe/Zurich",
      topics: ["news"],
    },
  });

const DeviceSchema = z
  .object({
    id: z.string(),
    platform: z.enum(["ios", "android"]),
    pushProvider: z.enum(["apns", "fcm"]).nullable(),
    pushToken: z.string().nullable(),
    pushTokenUpdatedAt: z.number().int().nullable(),
    pushTokenInvalidAt: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Set when FCM/APNs called the token dead; the app should register a new one" }),
    appVersion: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    topics: z.array(z.string()),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("Device");

devicesRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{deviceId}",
    tags: ["devices"],
    summary: "Register or update this install (idempotent; replaces the registration)",
    description:
      "Fields left out are cleared (PUT replaces). A push token held by another device row, of this " +
      "or another user, moves to this device; a deviceId registered by another user moves to the caller.",
    security: [{ bearerAuth: [] }],
    request: {
      params: z.object({ deviceId: DeviceId }),
      body: { content: { "application/json": { schema: DeviceRegistrationSchema } }, required: true },
    },
    responses: {
      200: { description: "The device", content: { "application/json": { schema: DeviceSchema } } },
    },
  }),
  async (c) => {
    const { deviceId } = c.req.valid("param");
    const body = c.req.valid("json");
    const auth = c.get("auth");
    if (!auth) throw new Error("requireUser let an unauthenticated request through");
    const pushToken = body.pushToken ?? null;
    const appVersion = body.appVersion ?? null;
    const device = await registerDevice(
      c.var.db,
      auth.userId,
      deviceId,
      {
        platform: body.platform,
        pushProvider: body.pushProvider ?? null,
        // APNs accepts either case; one spelling keeps the token unique across rows.
        pushToken: pushToken !== null && body.pushProvider === "apns" ? pushToken.toLowerCase() : pushToken,
        appVersion,
        appVersionKey: appVersion === null ? null : versionKey(appVersion),
        locale: body.locale ? canonicalLocale(body.locale) : null,
        timezone: body.timezone ? canonicalTimeZone(body.timezone) : null,
        topics: [...new Set(body.topics ?? [])],
      },
      Date.now(),
    );
    c.header("Cache-Control", "no-store");
    return c.json(device, 200);
  },
);

devicesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["devices"],
    summary: "The caller's devices",
    security: [{ bearerAuth: [] }],
    responses: {
      200: {
        description: "The caller's devices, oldest first",
        content: { "application/json": { schema: z.object({ devices: z.array(DeviceSchema) }) } },
      },
    },
  }),
  async (c) => {
    const auth = c.get("auth");
    if (!auth) throw new Error("requireUser let an unauthenticated request through");
    const devices = await listDevices(c.var.db, auth.userId);
    c.header("Cache-Control", "no-store");
    return c.json({ devices }, 200);
  },
);

devicesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{deviceId}",
    tags: ["devices"],
    summary: "Unregister a device (it stops receiving pushes)",
    security: [{ bearerAuth: [] }],
    request: { params: z.object({ deviceId: DeviceId }) },
    responses: {
      204: { description: "Deleted" },
      404: { description: "No such device among the caller's devices" },
    },
  }),
  async (c) => {
    const { deviceId } = c.req.valid("param");
    const auth = c.get("auth");
    if (!auth) throw new Error("requireUser let an unauthenticated request through");
    // Another user's device answers exactly like a missing one: no existence oracle.
    if (!(await deleteDevice(c.var.db, auth.userId, deviceId))) throw notFound("No such device");
    return c.body(null, 204);
  },
);
