import { z } from "zod";
import { deviceIdSchema, deviceRegistrationSchema, registerDevice } from "../devices/registration";
import { ApiError, invalidQuery, notFound } from "../errors";
import { limitPerUser } from "../middleware/rate-limit";
import { countMetric } from "../ops/metrics";
import { markInboxRead } from "../push/inbox/queries";
import { syncFailureError } from "../sync/failures";
import {
  jsonBytes,
  MAX_MUTATIONS_PER_PUSH,
  MAX_VALUE_BYTES,
  pushBodySchema,
  SPACE_ID,
} from "../sync/protocol";
import { syncSpaceClient } from "../sync/space-client";
import { resolveSpaceId } from "../sync/spaces";
import { type GraphqlContext, invalidArguments, userOf } from "./context";

/**
 * The Mutation type's resolvers: the same paths as REST (named beside each), with the same
 * validation schemas, limits and rate limits, so a rule holds whichever face a phone uses.
 */

/** GraphQL sends an explicit `null` for an optional input field the client set to null; REST omits it. */
const withoutNulls = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));

function waitUntilOf(ctx: GraphqlContext): Pick<ExecutionContext, "waitUntil"> | undefined {
  try {
    return ctx.c.executionCtx;
  } catch {
    return undefined; // tests calling app.fetch without one
  }
}

export const mutationResolvers = {
  /** POST /v1/sync/{spaceId}/push: through the space's SyncSpace object. */
  async syncPush(
    args: { spaceId: string; clientId: string; mutations: Record<string, unknown>[] },
    ctx: GraphqlContext,
  ) {
    const auth = userOf(ctx);
    await limitPerUser("sync_push")(ctx.c, async () => {});
    // The contract's 413s come before the schema: nothing is applied.
    if (args.mutations.length > MAX_MUTATIONS_PER_PUSH)
      throw new ApiError(413, "payload_too_large", `At most ${MAX_MUTATIONS_PER_PUSH} mutations per push`);
    if (args.mutations.some((m) => m.value != null && jsonBytes(m.value) > MAX_VALUE_BYTES))
      throw new ApiError(413, "payload_too_large", `A record value is at most ${MAX_VALUE_BYTES} bytes`);
    const parsed = pushBodySchema.safeParse({
      clientId: args.clientId,
      mutations: args.mutations.map(withoutNulls),
    });
    if (!parsed.success) throw invalidArguments(parsed.error);
    if (!SPACE_ID.test(args.spaceId))
      throw invalidQuery("spaceId is not a space id", [{ path: "spaceId", message: "invalid" }]);
    const profile = ctx.c.var.profile;
    const outcome = await syncSpaceClient(ctx.c.env, resolveSpaceId(args.spaceId, auth.userId)).push({
      userId: auth.userId,
      deviceId: profile.deviceId ?? null,
      appVersion: profile.appVersion,
      clientId: parsed.data.clientId,
      mutations: parsed.data.mutations,
    });
    if (!outcome.ok) throw syncFailureError(outcome);
    countMetric(ctx.c.env, waitUntilOf(ctx), "outpost_sync_pushes_total");
    const mutations = parsed.data.mutations.length;
    if (mutations > 0)
      countMetric(ctx.c.env, waitUntilOf(ctx), "outpost_sync_mutations_total", {}, mutations);
    return { lastMutationId: outcome.lastMutationId, version: outcome.version, results: outcome.results };
  },

  /** PUT /v1/devices/{deviceId} */
  async registerDevice(args: { deviceId: string; input: Record<string, unknown> }, ctx: GraphqlContext) {
    const auth = userOf(ctx);
    const deviceId = deviceIdSchema.safeParse(args.deviceId);
    if (!deviceId.success) throw invalidArguments(prefixed(deviceId.error, "deviceId"));
    const input = deviceRegistrationSchema.safeParse(args.input);
    if (!input.success) throw invalidArguments(prefixed(input.error, "input"));
    return registerDevice(ctx.c.var.db, auth.userId, deviceId.data, input.data, Date.now());
  },

  /** POST /v1/notifications/{id}/read: another user's entry answers like a missing one. */
  async markInboxItemRead(args: { id: string }, ctx: GraphqlContext) {
    const auth = userOf(ctx);
    if (args.id.length < 1 || args.id.length > 64) throw invalidQuery("id is 1..64 characters");
    if (!(await markInboxRead(ctx.c.var.db, auth.userId, args.id, Date.now()))) throw notFound();
    return true;
  },
};

/** The error's paths under the argument they belong to (`input.pushToken`). */
function prefixed(error: z.ZodError, argument: string): z.ZodError {
  return new z.ZodError(error.issues.map((issue) => ({ ...issue, path: [argument, ...issue.path] })));
}
