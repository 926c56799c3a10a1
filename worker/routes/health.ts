import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import { createRouter } from "../openapi";

export const healthRoutes = createRouter();

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/healthz",
    tags: ["operations"],
    summary: "Liveness and D1 reachability",
    responses: {
      200: {
        description: "Healthy",
        content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } },
      },
      503: { description: "D1 unreachable" },
    },
  }),
  async (c) => {
    try {
      await c.env.DB.prepare("SELECT 1").first();
    } catch {
      throw new ApiError(503, "service_unavailable", "The database is unreachable");
    }
    c.header("Cache-Control", "no-store");
    return c.json({ ok: true as const }, 200);
  },
);
