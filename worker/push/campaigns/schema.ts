import { z } from "@hono/zod-openapi";
import { parseRange } from "../../lib/semver";
import { strictRecord } from "../../lib/strict-record";
import { ENTITLEMENT_ID } from "../../entitlements/catalog";
import { MAX_TTL_SECONDS } from "../providers/provider";

/**
 * The campaign wire shapes: the route validates with them, the OpenAPI document is built from
 * them, and the domain's types are inferred from them, so the three cannot drift apart.
 */

export const campaignIdSchema = z.string().min(1).max(128);

/** Who a campaign goes to. Every criterion given must match (AND); within a list, any (OR). */
const campaignTargetSchema = z.strictObject({
  userIds: z.array(campaignIdSchema).min(1).max(10_000).optional(),
  deviceIds: z.array(campaignIdSchema).min(1).max(10_000).optional(),
  platforms: z
    .array(z.enum(["ios", "android"]))
    .min(1)
    .max(2)
    .optional(),
  topics: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
  /** A semver range (`>=3.0.0`, `^3.1`, `3.x || >=4.2.0`). */
  appVersion: z
    .string()
    .min(1)
    .max(256)
    .refine((v) => parseRange(v) !== null, "must be a valid semver range, e.g. >=3.0.0")
    .optional(),
  /** Language tags or prefixes: `de` matches `de`, `de-CH` and `de_AT` (see lib/locale.ts). */
  locales: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, "must be a language tag such as de or de-CH"),
    )
    .min(1)
    .max(100)
    .optional(),
  /** Users holding any of these entitlements, active when the campaign fans out (ENTITLEMENTS ids). */
  entitlements: z
    .array(z.string().regex(ENTITLEMENT_ID, "entitlement ids are 1..64 of A-Z a-z 0-9 _ . -"))
    .min(1)
    .max(50)
    .optional(),
});
export type CampaignTarget = z.infer<typeof campaignTargetSchema>;

/** The body of `POST /v1/push/campaigns`. */
export const campaignBodySchema = z.strictObject({
  title: z.string().min(1).max(200).optional(),
  body: z.string().min(1).max(2000).optional(),
  data: strictRecord(z.string().min(1).max(128), z.string()).optional(),
  target: campaignTargetSchema,
  sendAt: z.number().int().min(0).optional(),
  localTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)")
    .optional(),
  collapseKey: z.string().min(1).max(64).optional(),
  ttlSeconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional(),
  priority: z.enum(["high", "normal"]).optional(),
  silent: z.boolean().optional(),
});
export type CampaignInput = z.infer<typeof campaignBodySchema>;

export const createdCampaignSchema = z.object({ id: z.string(), status: z.enum(["scheduled", "sending"]) });

/** Delivery stats, straight from the ledger. */
const campaignStatsSchema = z.object({
  targeted: z.number(),
  sent: z.number(),
  failed: z.record(z.string(), z.number()),
  pruned: z.number(),
  opened: z.number(),
  /** Not yet settled (waiting in the queue or being sent). */
  pending: z.number(),
  cancelled: z.number(),
  /**
   * Not sent because at send time the device no longer belonged to the user it was planned for
   * (`owner_changed`), held another token (`token_changed`) or its owner had signed out on it
   * (`unlinked`): by reason, like `failed`.
   */
  withheld: z.record(z.string(), z.number()),
});
export type CampaignStats = z.infer<typeof campaignStatsSchema>;

export const campaignViewSchema = z.object({
  id: z.string(),
  status: z.enum(["scheduled", "sending", "sent", "cancelled"]),
  stats: campaignStatsSchema,
  createdAt: z.number(),
  sendAt: z.number().nullable(),
  localTime: z.string().nullable(),
  silent: z.boolean(),
});
