import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { isDeviceOfUser } from "../devices/queries";
import { ApiError, notFound } from "../errors";
import { requireUser } from "../middleware/auth";
import { limitPerUser } from "../middleware/rate-limit";
import { asUser, createRouter, problem, problems } from "../openapi";
import { nestsDeeperThan } from "../lib/json-depth";
import { countMetric } from "../ops/metrics";
import { spaceUnavailable, syncFailureError } from "../sync/failures";
import { projectValue } from "../sync/merge";
import {
  DEFAULT_PULL_LIMIT,
  jsonBytes,
  MAX_MUTATIONS_PER_PUSH,
  MAX_PULL_PAGE_BYTES,
  MAX_VALUE_BYTES,
  MAX_VALUE_DEPTH,
  pullQuerySchema,
  pullResponseSchema,
  pushBodySchema,
  pushResponseSchema,
  SPACE_ID,
  type Mutation,
  type PullResponse,
  type SpaceMutation,
} from "../sync/protocol";
import { loadPullSnapshot } from "../sync/queries/pull";
import { syncSpaceClient } from "../sync/space-client";
import { personalSpaceId, resolveSpaceId } from "../sync/spaces";

export const syncRoutes = createRouter();

const SpaceIdParam = z.object({
  spaceId: z
    .string()
    .regex(SPACE_ID)
    .openapi({ param: { name: "spaceId", in: "path" }, example: "me" }),
});

function count<E extends AppEnv>(c: Context<E>, name: string, by = 1): void {
  let ctx: Pick<ExecutionContext, "waitUntil"> | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  countMetric(c.env, ctx, name, {}, by);
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
      // Too deep to measure with JSON.stringify (it recurses); such a value is rejected anyway.
      if (value === undefined || nestsDeeperThan(value, MAX_VALUE_DEPTH)) continue;
      if (jsonBytes(value) > MAX_VALUE_BYTES)
        throw new ApiError(413, "payload_too_large", `A record value is at most ${MAX_VALUE_BYTES} bytes`);
    }
  }
  return next();
};

/**
 * A value nested deeper than MAX_VALUE_DEPTH never goes on to the object: structured clone for
 * RPC recurses and would overflow, failing the push on every retry. The mutation goes without it,
 * flagged, and is `rejected` there like any invalid value (so it still counts as applied).
 */
function screenDepth(m: Mutation): SpaceMutation {
  if (m.value === undefined || !nestsDeeperThan(m.value, MAX_VALUE_DEPTH)) return m;
  const { value: _dropped, ...rest } = m;
  return { ...rest, valueTooDeep: true };
}

const pushRoute = createRoute({
  method: "post",
  path: "/{spaceId}/push",
  operationId: "pushMutations",
  tags: ["sync"],
  summary: "Apply a batch of mutations in server order (retries are safe)",
  ...asUser(limitPerUser("sync_push"), pushLimits),
  request: {
    params: SpaceIdParam,
    body: { content: { "application/json": { schema: pushBodySchema } }, required: true },
  },
  responses: {
    200: {
      description: "Applied in server order",
      content: { "application/json": { schema: pushResponseSchema } },
    },
    ...problems(400, 401, 415, 426, 429, 503),
    403: problem(403, "Viewers may pull but not push"),
    404: problem(404, "No such space (or not a member)"),
    409: problem(409, "mutation_gap: nothing applied"),
    413: problem(413, "Over 500 mutations, 1 MiB, or a value over 256 KiB: nothing applied"),
  },
});

syncRoutes.openapi(pushRoute, async (c) => {
  const auth = c.var.auth;
  const body = c.req.valid("json");
  const spaceId = resolveSpaceId(c.req.valid("param").spaceId, auth.userId);
  const profile = c.get("profile");
  const outcome = await syncSpaceClient(c.env, spaceId).push({
    userId: auth.userId,
    deviceId: profile.deviceId ?? null,
    appVersion: profile.appVersion,
    clientId: body.clientId,
    mutations: body.mutations.map(screenDepth),
  });
  // The object's own D1 work joins this request's: its round trips in Server-Timing, and its
  // commit's bookmark as the response's Outpost-Bookmark (the client reads its write next).
  if (outcome.d1) c.var.d1.addObjectWork(outcome.d1);
  if (!outcome.ok) throw syncFailureError(outcome);
  count(c, "outpost_sync_pushes_total");
  if (body.mutations.length > 0) count(c, "outpost_sync_mutations_total", body.mutations.length);
  const { lastMutationId, version, results } = outcome;
  return c.json({ lastMutationId, version, results }, 200, { "Cache-Control": "no-store" });
});

const pullRoute = createRoute({
  method: "get",
  path: "/{spaceId}/pull",
  operationId: "pullChanges",
  tags: ["sync"],
  summary: "Changes after a cursor, oldest first, each record at most once",
  ...asUser(),
  request: { params: SpaceIdParam, query: pullQuerySchema },
  responses: {
    200: {
      description: "Changes after cursor",
      content: { "application/json": { schema: pullResponseSchema } },
    },
    ...problems(400, 401, 426),
    404: problem(404, "No such space (or not a member)"),
    410: problem(410, "resync_required: pull again from cursor 0"),
  },
});

syncRoutes.openapi(pullRoute, async (c) => {
  const auth = c.var.auth;
  const query = c.req.valid("query");
  const spaceId = resolveSpaceId(c.req.valid("param").spaceId, auth.userId);
  const cursor = query.cursor ?? 0;
  const limit = query.limit ?? DEFAULT_PULL_LIMIT;
  const snapshot = await loadPullSnapshot(c.var.d1, {
    spaceId,
    userId: auth.userId,
    clientId: query.clientId,
    cursor,
    limit,
    maxBytes: MAX_PULL_PAGE_BYTES,
  });
  const headers = { "Cache-Control": "no-store", Vary: "X-App-Version" };
  if (!snapshot.space) {
    // A personal space nobody has written to yet is simply empty.
    if (spaceId !== personalSpaceId(auth.userId)) throw notFound("No such space");
    const empty: PullResponse = { changes: [], cursor, hasMore: false, lastMutationId: 0 };
    return c.json(empty, 200, headers);
  }
  if (!snapshot.space.role) throw notFound("No such space");
  if (cursor > 0 && cursor < snapshot.space.purgeHorizon)
    throw new ApiError(
      410,
      "resync_required",
      "Deletions after this cursor were purged; pull again from cursor 0",
    );
  count(c, "outpost_sync_pulls_total");
  const { changes: page, hasMore } = snapshot;
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
  operationId: "openSyncSocket",
  tags: ["sync"],
  summary: "WebSocket of pokes: the space's version, whenever it moves",
  security: [{ bearerAuth: [] }, { accessTokenQuery: [] }],
  description:
    'WebSocket upgrade (bearer token in `Authorization` or `?token=`; `X-Device-Id` or `?deviceId=` names the caller\'s registered device so it gets pokes instead of silent pushes — another user\'s device id is ignored). The server sends `{"type":"poke","version":N,"bookmark":"..."}` on connect and whenever the space\'s version moves (`bookmark`: the change\'s `Outpost-Bookmark`, to pull it with; absent before the first change); `{"type":"ping"}` is answered `{"type":"pong"}`. The socket closes with 4001 within 30 seconds of its session ending (logout, revocation) or its access token expiring: refresh, then reconnect; 4003 when the user is removed from the space.',
  request: {
    params: SpaceIdParam,
    query: z.object({ deviceId: z.string().optional() }),
  },
  responses: {
    101: { description: "Switching protocols" },
    400: problem(400, "invalid_query: not a WebSocket upgrade (Upgrade: websocket)"),
    401: problem(401, "Missing, invalid or expired token (before any upgrade)"),
    404: problem(404, "No such space (or not a member)"),
    ...problems(426, 503),
  },
});

/**
 * WebSocket upgrade. The token comes in `Authorization` (verified by the pipeline) or `?token=`
 * (browsers and some socket libraries cannot set headers); it is verified here, before the
 * upgrade, and the object receives only the verified user and device in headers it trusts
 * because nothing but this Worker can reach it.
 */
syncRoutes.get("/:spaceId/socket", requireUser({ queryToken: true }), async (c) => {
  const auth = c.var.auth;
  const raw = c.req.param("spaceId");
  if (!SPACE_ID.test(raw)) throw notFound("No such space");
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
    throw new ApiError(400, "invalid_query", "Expected a WebSocket upgrade (Upgrade: websocket)");
  const spaceId = resolveSpaceId(raw, auth.userId);
  const queryDevice = c.req.query("deviceId");
  const claimed =
    c.get("profile").deviceId ??
    (queryDevice && /^[A-Za-z0-9-]{8,64}$/.test(queryDevice) ? queryDevice : null);
  // Another user's device id is ignored: it would count that device as live (no silent push).
  const deviceId = claimed && (await isDeviceOfUser(c.var.db, auth.userId, claimed)) ? claimed : null;
  const res = await syncSpaceClient(c.env, spaceId).openSocket({
    userId: auth.userId,
    deviceId,
    sessionId: auth.sessionId,
    expiresAt: auth.expiresAt,
  });
  if (res.status === 404) throw notFound("No such space");
  if (res.status !== 101) throw spaceUnavailable();
  return res;
});
