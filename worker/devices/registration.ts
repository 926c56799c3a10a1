import { z } from "@hono/zod-openapi";
import type { Db } from "../db/client";
import { parseSemver, versionKey } from "../lib/semver";
import { upsertDevice, type DeviceRecord } from "./queries";

/**
 * Device registration (contract: "Devices and topics"): what `PUT /v1/devices/{deviceId}`
 * accepts, and how it is normalised before it is stored.
 */

const MAX_TOPICS = 50;
const TOPIC = /^[A-Za-z0-9\-_.~%]{1,64}$/;
/** APNs device tokens are hex (32 bytes today; Apple says not to rely on the length). */
const APNS_TOKEN = /^[0-9A-Fa-f]{64,200}$/;
/** FCM registration tokens: base64url-ish with `:` (about 150-200 characters today). */
const FCM_TOKEN = /^[A-Za-z0-9_:.-]{20,4096}$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,6}$/;
/** IANA names are words separated by `/`; this keeps out offsets (`+02:00`) before Intl sees them. */
const TZ_NAME = /^[A-Za-z][A-Za-z0-9_+-]{0,31}(\/[A-Za-z0-9_+-]{1,32}){0,3}$/;

/** The IANA name as the runtime spells it (`europe/zurich` → `Europe/Zurich`), or null if unknown. */
function canonicalTimeZone(value: string): string | null {
  if (!TZ_NAME.test(value)) return null;
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** A well-formed BCP 47 tag in canonical case (`de-ch` → `de-CH`), or null. */
function canonicalLocale(value: string): string | null {
  if (!LOCALE.test(value)) return null;
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * The install id in `/v1/devices/{deviceId}` (the app's X-Device-Id): a UUID in practice. At
 * least 16 characters, so ids are random enough that nobody registers another user's by guessing
 * (ownership still holds if they do: see upsertDevice).
 */
export const deviceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{16,64}$/, "must be the install id (a UUID): 16..64 of A-Z a-z 0-9 -")
  .openapi({ param: { name: "deviceId", in: "path" }, example: "7f3c2a1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b" });

export const deviceRegistrationSchema = z
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

type DeviceRegistrationInput = z.infer<typeof deviceRegistrationSchema>;

/**
 * Registers (or re-registers) the caller's install, replacing the whole registration (PUT).
 * Stored values are canonical, so equal registrations are equal rows: APNs tokens in lower case
 * (APNs accepts either; one spelling keeps a token unique across rows), locales and time zones
 * as Intl spells them, topics without repeats.
 * Null (nothing changed) when the id is another user's device: see upsertDevice.
 */
export function registerDevice(
  db: Db,
  userId: string,
  deviceId: string,
  input: DeviceRegistrationInput,
  now: number,
): Promise<DeviceRecord | null> {
  const pushToken = input.pushToken ?? null;
  const appVersion = input.appVersion ?? null;
  return upsertDevice(
    db,
    userId,
    deviceId,
    {
      platform: input.platform,
      pushProvider: input.pushProvider ?? null,
      pushToken: pushToken !== null && input.pushProvider === "apns" ? pushToken.toLowerCase() : pushToken,
      appVersion,
      appVersionKey: appVersion === null ? null : versionKey(appVersion),
      locale: input.locale ? canonicalLocale(input.locale) : null,
      timezone: input.timezone ? canonicalTimeZone(input.timezone) : null,
      topics: [...new Set(input.topics ?? [])],
    },
    now,
  );
}
