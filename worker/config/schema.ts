import { z } from "@hono/zod-openapi";
import { parseRange, parseSemver } from "../lib/semver";
import { strictRecord } from "../lib/strict-record";
import { ENTITLEMENT_ID } from "../entitlements/catalog";

/**
 * The remote config document an admin PUTs (and reads back). Strict: unknown fields anywhere are
 * `invalid_body`. Validation here is the only gate, so evaluation can trust every value it sees.
 */
const MAX_FLAGS = 500;
const MAX_RULES_PER_FLAG = 50;

const STORE_SCHEMES = new Set(["https:", "itms-apps:", "market:"]);

function isStoreUrl(value: string): boolean {
  try {
    return STORE_SCHEMES.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

const Version = z
  .string()
  .max(64)
  .refine((v) => parseSemver(v) !== null, "must be a semver version such as 3.0.0");

const VersionRange = z
  .string()
  .max(256)
  .refine((v) => parseRange(v) !== null, "must be a semver range such as >=3.2.0 <4");

/** A language tag or prefix (`de`, `de-CH`, `zh-Hant`), matched by prefix on subtag boundaries. */
const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/;

const PlatformPolicySchema = z
  .strictObject({
    minVersion: Version.openapi({ example: "3.0.0" }),
    storeUrl: z
      .string()
      .max(2048)
      .refine(isStoreUrl, "must be an https:, itms-apps: or market: URL")
      .openapi({ example: "https://apps.apple.com/app/id1" }),
  })
  .openapi("PlatformPolicy");

/** Flag values are JSON scalars: what a mobile feature-flag SDK can hand to the UI directly. */
export const FlagValueSchema = z
  .union([z.boolean(), z.number(), z.string().max(1024), z.null()])
  .openapi("FlagValue");

const FlagRuleSchema = z
  .strictObject({
    platforms: z
      .array(z.enum(["ios", "android"]))
      .min(1)
      .max(2)
      .optional(),
    appVersion: VersionRange.optional().openapi({ example: ">=3.2.0" }),
    locales: z
      .array(z.string().regex(LOCALE_TAG, "must be a language tag such as de or de-CH"))
      .min(1)
      .max(50)
      .optional(),
    percent: z.number().int().min(0).max(100).optional(),
    entitlements: z
      .array(
        z
          .string()
          .regex(ENTITLEMENT_ID, "entitlement ids are 1..64 of A-Z a-z 0-9 _ . - (as in ENTITLEMENTS)"),
      )
      .min(1)
      .max(50)
      .optional()
      .openapi({
        example: ["pro"],
        description:
          "Matches a signed-in user holding any of these active entitlements; callers without a token never match",
      }),
    value: FlagValueSchema,
  })
  .openapi("FlagRule");

const jsonType = (v: unknown) => (v === null ? "null" : typeof v);

const FlagSchema = z
  .strictObject({
    default: FlagValueSchema,
    rules: z.array(FlagRuleSchema).max(MAX_RULES_PER_FLAG).default([]),
  })
  .superRefine((flag, ctx) => {
    // A flag has one type: an app reading a boolean flag must never be handed a string.
    flag.rules.forEach((rule, i) => {
      if (jsonType(rule.value) !== jsonType(flag.default)) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "value"],
          message: `must have the same type as default (${jsonType(flag.default)})`,
        });
      }
    });
  })
  .openapi("Flag");

const FLAG_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export const RemoteConfigSchema = z
  .strictObject({
    platforms: z
      .strictObject({ ios: PlatformPolicySchema.optional(), android: PlatformPolicySchema.optional() })
      .default({}),
    flags: strictRecord(
      z.string().regex(FLAG_NAME, "flag names are 1..64 of A-Z a-z 0-9 _ . - starting with a letter"),
      FlagSchema,
    )
      .refine((flags) => Object.keys(flags).length <= MAX_FLAGS, `at most ${MAX_FLAGS} flags`)
      .default({}),
  })
  .openapi("RemoteConfig");

export type RemoteConfig = z.infer<typeof RemoteConfigSchema>;
export type FlagRule = z.infer<typeof FlagRuleSchema>;
export type Flag = z.infer<typeof FlagSchema>;
export type FlagValue = z.infer<typeof FlagValueSchema>;

/** What a fresh deployment serves before any admin PUT: no minimum versions, no flags. */
export const EMPTY_CONFIG: RemoteConfig = { platforms: {}, flags: {} };
