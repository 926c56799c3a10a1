import { z } from "@hono/zod-openapi";

/** One entitlement on the wire (API.md "Entitlements"). */
export const EntitlementSchema = z
  .object({
    id: z.string().openapi({ example: "pro" }),
    active: z.boolean(),
    source: z.enum(["app_store", "play"]),
    productId: z.string().openapi({ example: "com.example.pro.monthly" }),
    expiresAt: z.number().int().optional().openapi({
      description: "When access ends unless renewed (ms); in a grace period, the grace period's end",
    }),
    willRenew: z.boolean(),
    inGracePeriod: z.boolean(),
    updatedAt: z.number().int(),
  })
  .openapi("Entitlement");

/** `GET /v1/entitlements` and the purchase reports' 200. */
export const EntitlementsResponseSchema = z
  .object({ entitlements: z.array(EntitlementSchema) })
  .openapi("Entitlements");
