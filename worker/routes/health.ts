import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import { pingDatabase } from "../health/queries";
import { asPublic, createRouter, problem } from "../openapi";

export const healthRoutes = createRouter();

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/healthz",
    operationId: "getHealth",
    tags: ["operations"],
    summary: "Liveness and D1 reachability",
    ...asPublic,
    responses: {
      200: {
        description: "Healthy",
        content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } },
      },
      503: problem(503, "service_unavailable: D1 is unreachable"),
    },
  }),
  async (c) => {
    try {
      await pingDatabase(c.var.d1);
    } catch {
      throw new ApiError(503, "service_unavailable", "The database is unreachable");
    }
    c.header("Cache-Control", "no-store");
    return c.json({ ok: true as const }, 200);
  },
);
