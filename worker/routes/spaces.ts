import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../errors";
import { asUser, createRouter, problem, problems } from "../openapi";
import { syncFailureError } from "../sync/failures";
import { SPACE_ID } from "../sync/protocol";
import { createSharedSpace, ensurePersonalSpace, listMembers, listSpacesOf } from "../sync/queries/spaces";
import { syncSpaceClient } from "../sync/space-client";
import { personalSpaceId, resolveSpaceId } from "../sync/spaces";

/**
 * Spaces: every user's personal space (`me`, made on first use) and shared spaces with members.
 * Roles: the owner (creator) manages members and writes; an editor pushes any mutation to any
 * record but cannot manage members; a viewer may pull and open a socket but not push.
 * Non-members get 404 on everything (no existence oracle).
 */
export const spacesRoutes = createRouter();

const SpaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["personal", "shared"]),
    role: z.enum(["owner", "editor", "viewer"]),
    version: z.number().int(),
    createdAt: z.number().int(),
  })
  .openapi("Space");

const SpaceIdParam = z.object({
  id: z
    .string()
    .regex(SPACE_ID)
    .openapi({ param: { name: "id", in: "path" } }),
});

spacesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listSpaces",
    tags: ["spaces"],
    summary: "The caller's spaces with their role (the personal space is made on first use)",
    ...asUser(),
    responses: {
      200: {
        description: "The caller's spaces with their role, personal first",
        content: { "application/json": { schema: z.object({ spaces: z.array(SpaceSchema) }) } },
      },
      ...problems(401, 426),
    },
  }),
  async (c) => {
    const auth = c.var.auth;
    let spaces = await listSpacesOf(c.var.d1, auth.userId);
    if (!spaces.some((s) => s.id === personalSpaceId(auth.userId))) {
      await ensurePersonalSpace(c.var.d1, auth.userId);
      spaces = await listSpacesOf(c.var.d1, auth.userId);
    }
    return c.json({ spaces }, 200, { "Cache-Control": "no-store" });
  },
);

spacesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    operationId: "createSpace",
    tags: ["spaces"],
    summary: "Create a shared space; the caller becomes its owner",
    ...asUser(),
    request: {
      body: {
        content: {
          "application/json": { schema: z.strictObject({ name: z.string().trim().min(1).max(200) }) },
        },
        required: true,
      },
    },
    responses: {
      201: {
        description: "A new shared space; the caller is its owner",
        content: { "application/json": { schema: SpaceSchema } },
      },
      ...problems(400, 401, 413, 415, 426),
    },
  }),
  async (c) => {
    const auth = c.var.auth;
    const { name } = c.req.valid("json");
    const space = await createSharedSpace(c.var.d1, auth.userId, name);
    return c.json({ ...space, kind: "shared" as const, role: "owner" as const, version: 0 }, 201, {
      Location: `/v1/spaces/${space.id}`,
    });
  },
);

const MemberSchema = z
  .object({ userId: z.string(), role: z.enum(["owner", "editor", "viewer"]), createdAt: z.number().int() })
  .openapi("SpaceMember");

spacesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/members",
    operationId: "listSpaceMembers",
    tags: ["spaces"],
    summary: "The space's members and their roles",
    ...asUser(),
    request: { params: SpaceIdParam },
    responses: {
      200: {
        description: "The space's members (any member may list them)",
        content: { "application/json": { schema: z.object({ members: z.array(MemberSchema) }) } },
      },
      ...problems(400, 401, 426),
      404: problem(404, "No such space (or not a member)"),
    },
  }),
  async (c) => {
    const auth = c.var.auth;
    const spaceId = resolveSpaceId(c.req.valid("param").id, auth.userId);
    const members = await listMembers(c.var.d1, spaceId);
    if (!members.some((m) => m.userId === auth.userId)) throw notFound("No such space");
    return c.json({ members }, 200, { "Cache-Control": "no-store" });
  },
);

spacesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/members",
    operationId: "addSpaceMember",
    tags: ["spaces"],
    summary: "Add a member to a shared space, or change their role (owner only)",
    ...asUser(),
    request: {
      params: SpaceIdParam,
      body: {
        content: {
          "application/json": {
            schema: z.strictObject({
              userId: z.string().min(1).max(128),
              role: z.enum(["editor", "viewer"]),
            }),
          },
        },
        required: true,
      },
    },
    responses: {
      200: {
        description: "The member was added (or their role changed)",
        content: {
          "application/json": {
            schema: z.object({ spaceId: z.string(), userId: z.string(), role: z.string() }),
          },
        },
      },
      ...problems(400, 401, 413, 415, 426),
      403: problem(403, "Not the owner, a personal space, or the owner's own role"),
      404: problem(404, "No such space (or not a member), or no such user"),
    },
  }),
  async (c) => {
    const auth = c.var.auth;
    const spaceId = resolveSpaceId(c.req.valid("param").id, auth.userId);
    const { userId, role } = c.req.valid("json");
    const outcome = await syncSpaceClient(c.env, spaceId).setMember(auth.userId, userId, role);
    if (!outcome.ok) throw syncFailureError(outcome);
    return c.json({ spaceId, userId: outcome.userId, role: outcome.role }, 200);
  },
);

spacesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}/members/{userId}",
    operationId: "removeSpaceMember",
    tags: ["spaces"],
    summary: "Remove a member (the owner), or leave the space (a member)",
    ...asUser(),
    request: {
      params: z.object({
        id: z
          .string()
          .regex(SPACE_ID)
          .openapi({ param: { name: "id", in: "path" } }),
        userId: z
          .string()
          .min(1)
          .max(128)
          .openapi({ param: { name: "userId", in: "path" } }),
      }),
    },
    responses: {
      204: { description: "Removed (the owner removing a member, or a member leaving); their sockets close" },
      ...problems(400, 401, 426),
      403: problem(403, "Not the owner (removing someone else), or the owner themselves"),
      404: problem(404, "No such space (or not a member), or no such member"),
    },
  }),
  async (c) => {
    const auth = c.var.auth;
    const params = c.req.valid("param");
    const spaceId = resolveSpaceId(params.id, auth.userId);
    const outcome = await syncSpaceClient(c.env, spaceId).removeMember(auth.userId, params.userId);
    if (!outcome.ok) throw syncFailureError(outcome);
    return c.body(null, 204);
  },
);
