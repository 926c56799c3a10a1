import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, AuthContext } from "../env";
import { ApiError, forbidden, notFound, unauthorized } from "../errors";
import { authenticateToken, bearerJwt, requireUser } from "../middleware/auth";
import { createRouter } from "../openapi";
import { countMetric } from "../ops/metrics";
import { spaceUnavailable, syncFailureError } from "../sync/failures";
import { projectValue } from "../sync/merge";
import {
  DEFAULT_PULL_LIMIT,
  jsonBytes,
  MAX_MUTATIONS_PER_PUSH,
  MAX_VALUE_BYTES,
  pullQuerySchema,
  pullResponseSchema,
  pushBodySchema,
  pushResponseSchema,
  SPACE_ID,
  type PullResponse,
} from "../sync/protocol";
import { loadPullSnapshot } from "../sync/queries/records";
import { syncSpaceClient } from "../sync/space-client";
import { personalSpaceId, resolveSpaceId } from "../sync/spaces";

export const syncRoutes = createRouter();

const SpaceIdParam = z.object({
  spaceId: z
    .string()
    .regex(SPACE_ID)
    .openapi({ param: { name: "spaceId", in: "path" }, example: "me" }),
});

const problem = { content: { "application/problem+json": { schema: z.object({ code: z.string() }) } } };

function count(c: Parameters<MiddlewareHandler<AppEnv>>[0], name: string): void {
  let ctx: Pick<ExecutionContext, "waitUntil"> | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  countMetric(c.env, ctx, name);
}

/**
 * The push limits are a 413 with nothing applied (contract), so they are checked on the parsed
 * body before the schema: a 501-mutation push is "too large", whatever else is wrong with it.
 */
const pushLimits: MiddlewareHandler<AppEnv> = async (c, next) => {
  const body: unknown = await c.req.json().catch(() => undefined);
  const mutations = (body as { mutations?: unknown } | undefined)?.mutations;
  if (Array.isArray(mutations)) {
    if (mutations.length > MAX_MUTATIONS_PER_PUSH)
      throw new ApiError(413, "payload_too_large", `At most ${MAX_MUTATIONS_PER_PUSH} mutations per push`);
    for (const m of mutations) {
      const value = (m as { value?: unknown } | null)?.value;
      if (value !== undefined && jsonBytes(value) > MAX_VALUE_BYTES)
        throw new ApiError(413, "payload_too_large", `A record value is at most ${MAX_VALUE_BYTES} bytes`);
    }
  }
  return next();
};

const pushRoute = createRoute({
  method: "post",
  path: "/{spaceId}/push",
  middleware: [requireUser(), pushLimits] as const,
  request: {
    params: SpaceIdParam,
    body: { content: { "application/json": { schema: pushBodySchema } }, required: true },
  },
  responses: {
    200: {
      description: "Applied in server order",
      content: { "application/json": { schema: pushResponseSchema } },
    },
    403: { description: "Viewer, or another user's clientId", ...problem },
    404: { description: "No such space (or not a member)", ...problem },
    409: { description: "mutation_gap: nothing applied", ...problem },
    413: { description: "Over 500 mutations, 1 MiB, or a value over 256 KiB: nothing applied", ...problem },
  },
});

syncRoutes.openapi(pushRoute, async (c) => {
  const auth = c.get("auth") as AuthContext;
  const body = c.req.valid("json");
  const spaceId = resolveSpaceId(c.req.valid("param").spaceId, auth.userId);
  const profile = c.get("profile");
  const outcome = await syncSpaceClient(c.env, spaceId).push({
    userId: auth.userId,
    deviceId: profile.deviceId ?? null,
    appVersion: profile.appVersion,
    clientId: body.clientId,
    mutations: body.mutations,
  });
  if (!outcome.ok) throw syncFailureError(outcome);
  count(c, "outpost_sync_pushes_total");
  const { lastMutationId, version, results } = outcome;
  return c.json({ lastMutationId, version, results }, 200, { "Cache-Control": "no-store" });
});

const pullRoute = createRoute({
  method: "get",
  path: "/{spaceId}/pull",
  middleware: [requireUser()] as const,
  request: { params: SpaceIdParam, query: pullQuerySchema },
  responses: {
    200: {
      description: "Changes after cursor",
      content: { "application/json": { schema: pullResponseSchema } },
    },
    400: { description: "invalid_query", ...problem },
    404: { description: "No such space (or not a member)", ...problem },
    410: { description: "resync_required: pull again from cursor 0", ...problem },
  },
});

syncRoutes.openapi(pullRoute, async (c) => {
  const auth = c.get("auth") as AuthContext;
  const query = c.req.valid("query");
  const spaceId = resolveSpaceId(c.req.valid("param").spaceId, auth.userId);
  const cursor = query.cursor ?? 0;
  const limit = query.limit ?? DEFAULT_PULL_LIMIT;
  const snapshot = await loadPullSnapshot(c.env.DB, {
    spaceId,
    userId: auth.userId,
    clientId: query.clientId,
    cursor,
    // One more than asked: its presence is `hasMore`.
    limit: limit + 1,
  });
  const headers = { "Cache-Control": "no-store", Vary: "X-App-Version" };
  if (!snapshot.space) {
    // A personal space nobody has written to yet is simply empty.
    if (spaceId !== personalSpaceId(auth.userId)) throw notFound("No such space");
    const empty: PullResponse = { changes: [], cursor, hasMore: false, lastMutationId: 0 };
    return c.json(empty, 200, headers);
  }
  if (!snapshot.space.role) throw notFound("No such space");
  if (snapshot.client && snapshot.client.userId !== auth.userId)
    throw forbidden("This clientId belongs to another user");
  if (cursor > 0 && cursor < snapshot.space.purgeHorizon)
    throw new ApiError(
      410,
      "resync_required",
      "Deletions after this cursor were purged; pull again from cursor 0",
    );
  count(c, "outpost_sync_pulls_total");
  const hasMore = snapshot.changes.length > limit;
  const page = snapshot.changes.slice(0, limit);
  const appVersion = c.get("profile").appVersion;
  const response: PullResponse = {
    changes: page.map((r) => ({ ...r, value: projectValue(r.collection, r.value, appVersion) })),
    cursor: hasMore ? (page.at(-1)?.version ?? cursor) : Math.max(cursor, snapshot.space.version),
    hasMore,
    lastMutationId: snapshot.client?.lastMutationId ?? 0,
  };
  return c.json(response, 200, headers);
});

syncRoutes.openAPIRegistry.registerPath({
  method: "get",
  path: "/{spaceId}/socket",
  description:
    'WebSocket upgrade (bearer token in `Authorization` or `?token=`; `X-Device-Id` or `?deviceId=` names the device so it gets pokes instead of silent pushes). The server sends `{"type":"poke","version":N}` on connect and whenever the space\'s version moves; `{"type":"ping"}` is answered `{"type":"pong"}`.',
  request: {
    params: SpaceIdParam,
    query: z.object({ token: z.string().optional(), deviceId: z.string().optional() }),
  },
  responses: {
    101: { description: "Switching protocols" },
    401: { description: "Missing, invalid or expired token (before any upgrade)", ...problem },
    404: { description: "No such space (or not a member)", ...problem },
  },
});

/**
 * WebSocket upgrade. The token comes in `Authorization` (verified by the pipeline) or `?token=`
 * (browsers and some socket libraries cannot set headers); it is verified here, before the
 * upgrade, and the object receives only the verified user and device in headers it trusts
 * because nothing but this Worker can reach it.
 */
syncRoutes.get("/:spaceId/socket", async (c) => {
  let auth = c.get("auth");
  if (!auth) {
    const token = c.req.query("token");
    if (!token || bearerJwt(`Bearer ${token}`) === undefined) throw unauthorized();
    auth = await authenticateToken(c.env, token);
  }
  const raw = c.req.param("spaceId");
  if (!SPACE_ID.test(raw)) throw notFound("No such space");
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
    throw new ApiError(400, "invalid_query", "Expected a WebSocket upgrade (Upgrade: websocket)");
  const spaceId = resolveSpaceId(raw, auth.userId);
  const queryDevice = c.req.query("deviceId");
  const deviceId =
    c.get("profile").deviceId ??
    (queryDevice && /^[A-Za-z0-9-]{8,64}$/.test(queryDevice) ? queryDevice : null);
  const res = await syncSpaceClient(c.env, spaceId).openSocket(auth.userId, deviceId);
  if (res.status === 404) throw notFound("No such space");
  if (res.status !== 101) throw spaceUnavailable();
  return res;
});
