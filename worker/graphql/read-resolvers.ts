import { getUser } from "../auth/queries/users";
import { resolveConfigForDevice } from "../config/resolve";
import { activeEntitlementsLoader, entitlementsFromPurchases } from "../entitlements/active";
import { activeEntitlementIds } from "../entitlements/derive";
import { userPurchasesQuery } from "../entitlements/queries/home";
import { invalidQuery, notFound, unauthorized } from "../errors";
import { limitPerUser } from "../middleware/rate-limit";
import { listInbox } from "../push/inbox/queries";
import { assembleHome } from "../screens/home";
import { homeQueries, homeReadsOf } from "../screens/queries";
import { projectValue } from "../sync/merge";
import { SPACE_ID } from "../sync/protocol";
import { membersOfSpacesQuery, recordPageQuery } from "../sync/queries/pages";
import { ensurePersonalSpace, listSpacesOf } from "../sync/queries/spaces";
import { personalSpaceId, resolveSpaceId } from "../sync/spaces";
import { pageSize } from "../tailor/decisions";
import { imageContext } from "../tailor/project";
import { type GraphqlContext, memoised, pageCursor, pageLimit, userOf } from "./context";
import { chunks, keyedLoader } from "./queries/batch";

/**
 * The Query type's resolvers. None reaches the database itself: each calls the query and domain
 * functions the REST routes call (named beside each), through the request's batch where a
 * builder exists, so one level of an operation is one D1 round trip.
 */

type SpaceRow = Awaited<ReturnType<typeof listSpacesOf>>[number];
type MemberRow = Awaited<ReturnType<typeof membersOfSpacesQuery>>[number];

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** The caller's spaces, once per request (GET /v1/spaces: the personal space is made on first use). */
function spacesOf(ctx: GraphqlContext): Promise<SpaceRow[]> {
  const auth = userOf(ctx);
  return memoised(ctx, "spaces", async () => {
    const db = ctx.c.var.d1;
    const spaces = await listSpacesOf(db, auth.userId);
    if (spaces.some((s) => s.id === personalSpaceId(auth.userId))) return spaces;
    await ensurePersonalSpace(db, auth.userId);
    return listSpacesOf(db, auth.userId);
  });
}

/**
 * Members of every space an operation asks about, with one `IN (...)` statement per 90 spaces,
 * all in the request's next batch.
 */
function membersLoader(ctx: GraphqlContext): (spaceId: string) => Promise<MemberRow[] | undefined> {
  return keyedLoader(ctx.loaders, "members", (spaceIds) =>
    Promise.all(
      chunks(spaceIds).map((chunk) => ctx.batch.load(membersOfSpacesQuery(ctx.c.var.db, chunk))),
    ).then((pages) => {
      const bySpace = new Map<string, MemberRow[]>();
      for (const row of pages.flat()) bySpace.set(row.spaceId, [...(bySpace.get(row.spaceId) ?? []), row]);
      return bySpace;
    }),
  );
}

function spaceNode(ctx: GraphqlContext, space: SpaceRow) {
  const node = {
    ...space,
    members: async () => (await membersLoader(ctx)(space.id)) ?? [],
    /** Live records after a version cursor (GET /v1/sync/{id}/pull's index, tombstones left out). */
    records: async (args: PageArgs & { collection?: string | null }) => {
      const limit = pageLimit(args.first, 50, 100);
      const after = pageCursor(args.after) ?? 0;
      const rows = await ctx.batch.load(
        recordPageQuery(ctx.c.var.db, space.id, { after, limit, collection: args.collection ?? undefined }),
      );
      const page = rows.slice(0, limit);
      const appVersion = ctx.c.var.profile.appVersion;
      const nodes = page.map((r) => ({
        space: node,
        collection: r.collection,
        key: r.key,
        version: r.version,
        value: projectValue(r.collection, r.value === null ? null : JSON.parse(r.value), appVersion) ?? {},
      }));
      const last = page.at(-1);
      return {
        nodes,
        pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? String(last.version) : null },
      };
    },
  };
  return node;
}

export const queryResolvers = {
  /** GET /v1/me */
  async me(_args: unknown, ctx: GraphqlContext) {
    const user = await getUser(ctx.c.var.d1, userOf(ctx).userId);
    if (!user) throw unauthorized("The user no longer exists");
    return user;
  },

  /** GET /v1/spaces */
  async spaces(_args: unknown, ctx: GraphqlContext) {
    return (await spacesOf(ctx)).map((s) => spaceNode(ctx, s));
  },

  /** One space: a non-member gets what GET /v1/sync/{id}/pull answers, not_found. */
  async space(args: { id: string }, ctx: GraphqlContext) {
    const auth = userOf(ctx);
    if (!SPACE_ID.test(args.id))
      throw invalidQuery("id is not a space id", [{ path: "id", message: "invalid" }]);
    const id = resolveSpaceId(args.id, auth.userId);
    const space = (await spacesOf(ctx)).find((s) => s.id === id);
    if (!space) throw notFound("No such space");
    return spaceNode(ctx, space);
  },

  /** GET /v1/notifications, with its per-user rate limit. */
  async inbox(args: PageArgs, ctx: GraphqlContext) {
    const auth = userOf(ctx);
    const limit = pageLimit(args.first, 20, 100);
    const cursor = pageCursor(args.after);
    await limitPerUser("inbox_read")(ctx.c, async () => {});
    const page = await listInbox(ctx.c.var.db, auth.userId, limit, cursor === 0 ? null : cursor);
    return {
      nodes: page.items,
      pageInfo: {
        hasNextPage: page.cursor !== null,
        endCursor: page.cursor === null ? null : String(page.cursor),
      },
    };
  },

  /** GET /v1/config (open to callers without a user, like REST). */
  config(_args: unknown, ctx: GraphqlContext) {
    const userId = ctx.auth?.userId;
    return resolveConfigForDevice(
      ctx.c.var.db,
      ctx.c.var.profile,
      userId,
      activeEntitlementsLoader(ctx.c, userId),
    );
  },

  /** GET /v1/screens/home: the same reads (one batch, shared with the operation's other fields) and builder. */
  async home(_args: unknown, ctx: GraphqlContext) {
    const auth = userOf(ctx);
    const { c, batch } = ctx;
    const profile = c.var.profile;
    const [q0, q1, q2, q3] = homeQueries(c.var.db, auth.userId, pageSize(profile));
    const now = Date.now();
    // The purchases ride in the same batch, as in REST: entitlements and entitlement rules cost no
    // extra round trip.
    const purchases = batch.load(userPurchasesQuery(c.var.db, auth.userId));
    const [results, config, bought] = await Promise.all([
      Promise.all([batch.load(q0), batch.load(q1), batch.load(q2), batch.load(q3)]),
      resolveConfigForDevice(c.var.db, profile, auth.userId, async () =>
        activeEntitlementIds(entitlementsFromPurchases(c.env, await purchases, now)),
      ),
      purchases,
    ]);
    const reads = homeReadsOf(results);
    const user = reads.user;
    if (!user) throw unauthorized("The user no longer exists");
    return assembleHome(
      { ...reads, user },
      config,
      profile.appVersion,
      imageContext(profile, c.env.IMAGE_HOSTS, c.req.url),
      entitlementsFromPurchases(c.env, bought, now),
    );
  },
};
