import { createRoute, z } from "@hono/zod-openapi";
import { endSession } from "../auth/session";
import { listSessions } from "../auth/queries/sessions";
import { getUser } from "../auth/queries/users";
import { notFound, unauthorized } from "../errors";
import { asUser, createRouter, problems } from "../openapi";
import { UserSchema } from "./auth";

/** The signed-in user's own resources, mounted at /v1: `/me`, `/sessions`. */
export const accountRoutes = createRouter();

const SessionSchema = z
  .object({
    id: z.string(),
    deviceId: z.string().nullable(),
    platform: z.string().nullable(),
    createdAt: z.number().int(),
    lastSeenAt: z.number().int().openapi({ description: "Last sign-in or refresh (ms since epoch)" }),
    current: z.boolean().openapi({ description: "The session of the access token making this call" }),
  })
  .openapi("Session");

accountRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    operationId: "getMe",
    tags: ["account"],
    summary: "The signed-in user",
    ...asUser(),
    responses: {
      200: { description: "The user", content: { "application/json": { schema: UserSchema } } },
      ...problems(401, 426),
    },
  }),
  async (c) => {
    const user = await getUser(c.var.d1, c.var.auth.userId);
    if (!user) throw unauthorized("The user no longer exists");
    c.header("Cache-Control", "private, no-store");
    return c.json({ id: user.id, email: user.email, anonymous: user.anonymous }, 200);
  },
);

accountRoutes.openapi(
  createRoute({
    method: "get",
    path: "/sessions",
    operationId: "listSessions",
    tags: ["account"],
    summary: "The user's live sessions (signed-in devices)",
    ...asUser(),
    responses: {
      200: {
        description: "Sessions, most recently seen first",
        content: { "application/json": { schema: z.array(SessionSchema) } },
      },
      ...problems(401, 426),
    },
  }),
  async (c) => {
    const auth = c.var.auth;
    const sessions = await listSessions(c.var.d1, auth.userId, Date.now());
    c.header("Cache-Control", "private, no-store");
    return c.json(
      sessions.map((s) => ({ ...s, current: s.id === auth.sessionId })),
      200,
    );
  },
);

accountRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/sessions/{id}",
    operationId: "revokeSession",
    tags: ["account"],
    summary: "Revoke one of the user's sessions (sign that device out)",
    ...asUser(),
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 204: { description: "Revoked" }, ...problems(400, 401, 404, 426) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    // Scoped to the caller: another user's session id answers exactly like an unknown one.
    if (!(await endSession(c.var.d1, id, "revoked", c.var.auth.userId))) throw notFound("No such session");
    return c.body(null, 204);
  },
);
