import { createRoute } from "@hono/zod-openapi";
import { ledgerContext } from "../entitlements/context";
import { listEntitlements } from "../entitlements/ledger";
import { EntitlementsResponseSchema } from "../entitlements/schema";
import { asUser, createRouter, problems } from "../openapi";

/** What the caller has paid for, mounted at /v1/entitlements. */
export const entitlementsRoutes = createRouter();

entitlementsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listEntitlements",
    tags: ["entitlements"],
    summary: "The caller's entitlements (App Store and Google Play purchases, verified)",
    description:
      "One entry per entitlement any of the caller's purchases grants (ENTITLEMENTS maps products to " +
      'entitlements), active or not. A silent push with data.type = "entitlements" says when to read again.',
    ...asUser(),
    responses: {
      200: {
        description: "The entitlements",
        content: { "application/json": { schema: EntitlementsResponseSchema } },
      },
      ...problems(401, 426),
    },
  }),
  async (c) => {
    const entitlements = await listEntitlements(ledgerContext(c), c.var.auth.userId);
    c.header("Cache-Control", "no-store");
    return c.json({ entitlements }, 200);
  },
);
