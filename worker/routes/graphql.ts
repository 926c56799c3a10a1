import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { invalidQuery } from "../errors";
import { invalidArguments } from "../graphql/context";
import { type GraphqlCall, runGraphql } from "../graphql/handler";
import { PERSISTED_IDS } from "../graphql/persisted.generated";
import { SDL } from "../graphql/sdl";
import { respondCacheableJson } from "../http/cacheable";
import { requireAdmin } from "../middleware/admin";
import { timed } from "../middleware/request-log";
import { asOptionalUserOrAdmin, asPublic, createRouter, problem, problems } from "../openapi";
import { TAILORING_HEADERS } from "../tailor/decisions";

/**
 * GraphQL (contract: "GraphQL", v1.1), mounted at /graphql behind the same pipeline as REST.
 * Persisted operations only, unless the admin key or GRAPHQL_ALLOW_ARBITRARY=true; see
 * worker/graphql/handler.ts. Errors of the HTTP layer (bad token, body too large, upgrade
 * required) are problem+json as everywhere; GraphQL's own answers carry `errors[]`.
 */
export const graphqlRoutes = createRouter();

const GraphqlResponse = z
  .object({
    data: z.record(z.string(), z.unknown()).nullable().optional(),
    errors: z
      .array(
        z.object({
          message: z.string(),
          path: z.array(z.union([z.string(), z.number()])).optional(),
          extensions: z.object({ code: z.string() }).catchall(z.unknown()),
        }),
      )
      .optional(),
  })
  .openapi("GraphqlResponse", {
    description: "A GraphQL response; each error's extensions.code is one of the contract's codes",
  });

const PersistedQuery = z.strictObject({
  version: z.literal(1),
  sha256Hash: z.string().regex(/^[0-9a-f]{64}$/),
});

const GraphqlRequest = z
  .strictObject({
    query: z
      .string()
      .max(100_000)
      .optional()
      .openapi({ description: "Only with the admin key (or in development)" }),
    operationName: z.string().max(200).nullable().optional(),
    variables: z.record(z.string(), z.unknown()).nullable().optional(),
    extensions: z
      .looseObject({ persistedQuery: PersistedQuery.optional() })
      .nullable()
      .optional()
      .openapi({ example: { persistedQuery: { version: 1, sha256Hash: PERSISTED_IDS.Home } } }),
  })
  .openapi("GraphqlRequest");

/** A GraphQL-level refusal (application/json) beside the pipeline's problem+json, for one status. */
const both = (status: 400 | 401, description: string) => ({
  ...problem(status, description),
  content: {
    ...problem(status).content,
    "application/json": { schema: GraphqlResponse },
  },
});

const RESPONSES = {
  200: {
    description:
      "The operation ran: `data`, and `errors[]` for fields that failed (not_found, forbidden, rate_limited …). " +
      "A query's answer carries an ETag (GET answers 304 to If-None-Match).",
    content: { "application/json": { schema: GraphqlResponse } },
  },
  400: both(
    400,
    "persisted_query_not_found (an id not in the allow-list, or query text without the admin key), " +
      "invalid_query (syntax, validation, depth or cost over the limits), or the pipeline's invalid_json / invalid_body",
  ),
  401: both(401, "unauthorized: the operation needs a user and none was verified, or a bad credential"),
  ...problems(413, 415, 426),
};

/** The answer depends on who asks and on the device profile (home is tailored). */
const VARY = [...TAILORING_HEADERS, "Authorization"];

/**
 * Who may send query text: the admin key (a non-JWT bearer; a wrong one is 401, as on every
 * admin route), or anyone where GRAPHQL_ALLOW_ARBITRARY=true (development only).
 */
async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  if (c.var.auth || !/^Bearer\s+\S+$/i.test(c.req.header("Authorization") ?? "")) return false;
  await requireAdmin()(c, async () => {});
  return true;
}

async function answer(c: Context<AppEnv>, params: GraphqlCall["params"]): Promise<Response> {
  const call: GraphqlCall = {
    params,
    admin: await isAdmin(c),
    allowArbitrary: c.env.GRAPHQL_ALLOW_ARBITRARY === "true",
  };
  const result = await timed(c, "graphql", () => runGraphql(c, call));
  // Logs and request metrics name the persisted operation (never client-chosen text: unbounded).
  if (result.persistedName) c.set("route", `/graphql ${result.persistedName}`);
  const contentType = result.headers["content-type"] ?? "application/json";
  if (result.status === 200 && result.operation === "query" && result.body !== null) {
    return respondCacheableJson(c, result.body, { vary: VARY, contentType });
  }
  const headers = new Headers(result.headers);
  headers.set("Cache-Control", "no-store");
  return new Response(result.body, { status: result.status, headers });
}

const postRoute = createRoute({
  method: "post",
  path: "/",
  operationId: "graphql",
  tags: ["graphql"],
  summary: "Run a persisted GraphQL operation (mutations too)",
  description:
    'Send `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"…"}},"variables":{…}}`; the allow-list ' +
    "is built from the repository's .graphql files. Query text is accepted only with the admin key " +
    "(Authorization: Bearer ADMIN_API_KEY), or where GRAPHQL_ALLOW_ARBITRARY=true. `config` is open " +
    "to callers without a user; everything else needs one.",
  ...asOptionalUserOrAdmin,
  request: { body: { content: { "application/json": { schema: GraphqlRequest } }, required: true } },
  responses: RESPONSES,
});

// Registered for the document, handled plainly: the answer is graphql-http's bytes, which the
// typed handler of `openapi()` cannot name (every response here has a body schema).
graphqlRoutes.openAPIRegistry.registerPath(postRoute);
graphqlRoutes.post("/", async (c) => {
  // The pipeline has parsed the body as strict JSON; the schema is checked as `openapi()` would.
  const parsed = GraphqlRequest.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw invalidArguments(parsed.error);
  return answer(c, parsed.data);
});

/** GET carries the same parameters in the URL (JSON-encoded), so a query's answer can be a 304. */
const jsonParam = (name: string, value: string | undefined): Record<string, unknown> | undefined => {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidQuery(`${name} must be a JSON object`, [{ path: name, message: "must be a JSON object" }]);
  }
  return parsed as Record<string, unknown>;
};

graphqlRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "graphqlGet",
    tags: ["graphql"],
    summary: "Run a persisted GraphQL query over GET (cacheable: ETag and 304)",
    description:
      "The same as POST with the parameters in the URL (`extensions` and `variables` as JSON), as Apollo " +
      "clients send persisted queries with GET. Mutations are refused over GET (405).",
    ...asOptionalUserOrAdmin,
    request: {
      query: z.object({
        extensions: z
          .string()
          .max(2_000)
          .optional()
          .openapi({
            example: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: PERSISTED_IDS.Home } }),
          }),
        variables: z.string().max(100_000).optional(),
        operationName: z.string().max(200).optional(),
        query: z.string().max(100_000).optional(),
      }),
    },
    responses: { ...RESPONSES, 304: { description: "Unchanged since the ETag in If-None-Match" } },
  }),
  async (c) => {
    const q = c.req.valid("query");
    return answer(c, {
      query: q.query,
      operationName: q.operationName,
      variables: jsonParam("variables", q.variables),
      extensions: jsonParam("extensions", q.extensions),
    });
  },
);

graphqlRoutes.openapi(
  createRoute({
    method: "get",
    path: "/schema",
    operationId: "getGraphqlSchema",
    tags: ["graphql"],
    summary: "The GraphQL schema (SDL), for codegen (Apollo iOS/Kotlin, urql)",
    ...asPublic,
    responses: {
      200: { description: "The schema in SDL", content: { "text/plain": { schema: z.string() } } },
      ...problems(426),
    },
  }),
  (c) => c.text(`${SDL.trim()}\n`, 200, { "Cache-Control": "public, max-age=300" }),
);
