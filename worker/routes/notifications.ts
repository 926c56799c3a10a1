import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../errors";
import { limitPerUser } from "../middleware/rate-limit";
import { asUser, createRouter, problems } from "../openapi";
import { listInbox, markInboxRead } from "../push/inbox/queries";

export const notificationsRoutes = createRouter();

const Item = z.object({
  id: z.string(),
  campaignId: z.string(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.string()),
  createdAt: z.number(),
  readAt: z.number().nullable(),
});

notificationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listNotifications",
    tags: ["notifications"],
    summary: "The caller's in-app inbox, newest first",
    description: "`cursor` is the previous page's `cursor` (a number); `limit` 1..100, default 20.",
    ...asUser(limitPerUser("inbox_read")),
    request: {
      query: z.object({
        cursor: z
          .string()
          .regex(/^[1-9]\d{0,15}$/, "must be a cursor returned by a previous page")
          .optional(),
        limit: z
          .string()
          .regex(/^\d{1,3}$/, "must be an integer from 1 to 100")
          .refine((v) => Number(v) >= 1 && Number(v) <= 100, "must be an integer from 1 to 100")
          .optional(),
      }),
    },
    responses: {
      200: {
        description: "One page",
        content: {
          "application/json": { schema: z.object({ items: z.array(Item), cursor: z.number().nullable() }) },
        },
      },
      ...problems(400, 401, 426, 429),
    },
  }),
  async (c) => {
    const { cursor, limit } = c.req.valid("query");
    const page = await listInbox(
      c.var.db,
      c.var.auth.userId,
      limit === undefined ? 20 : Number(limit),
      cursor === undefined ? null : Number(cursor),
    );
    c.header("Cache-Control", "private, no-store");
    return c.json(page, 200);
  },
);

notificationsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/read",
    operationId: "markNotificationRead",
    tags: ["notifications"],
    summary: "Mark an inbox entry read (idempotent)",
    ...asUser(),
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 204: { description: "Read" }, ...problems(400, 401, 404, 426) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!(await markInboxRead(c.var.db, c.var.auth.userId, id, Date.now()))) throw notFound();
    return c.body(null, 204);
  },
);
