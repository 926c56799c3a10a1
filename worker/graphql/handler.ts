import {
  buildSchema,
  getOperationAST,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from "graphql";
import { createHandler, type RequestParams } from "graphql-http";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { ErrorCode } from "../errors";
import type { GraphqlContext } from "./context";
import { formatError, logUnexpected, requestError } from "./errors";
import { limitRefusal, measureOperation } from "./limits";
import { mutationResolvers } from "./mutation-resolvers";
import { PERSISTED_OPERATIONS } from "./persisted.generated";
import { RequestBatch } from "./queries/batch";
import { queryResolvers } from "./read-resolvers";
import { SDL } from "./sdl";

/**
 * POST (and GET) /graphql over graphql-http (the GraphQL-over-HTTP spec: media types, 405 for a
 * mutation over GET), with our own steps before anything runs: the persisted-operation
 * allow-list, validation (once per isolate for a persisted operation), depth and cost limits, and
 * the credential check. Everything here is decided before the first D1 query.
 */

const schema = buildSchema(SDL);
const rootValue = { ...queryResolvers, ...mutationResolvers };

/** Root fields a caller without a user may ask for (as REST's GET /v1/config). */
const PUBLIC_ROOT_FIELDS = new Set(["config", "__typename", "__schema", "__type"]);

/** What the route hands over: the request's parameters and who is calling. */
export interface GraphqlCall {
  params: {
    query?: string;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
    extensions?: Record<string, unknown> | null;
  };
  /** The admin key was presented (and verified): query text is accepted. */
  admin: boolean;
  /** Query text is accepted from anyone (GRAPHQL_ALLOW_ARBITRARY=true, development only). */
  allowArbitrary: boolean;
}

/** What the route needs to shape the HTTP answer. */
export interface GraphqlAnswer {
  body: string | null;
  status: number;
  headers: Record<string, string>;
  /** Set once the operation was found: only a query's answer is cacheable. */
  operation?: "query" | "mutation" | "subscription";
  /** The allow-listed operation's name (a bounded set: safe for logs and metric labels). */
  persistedName?: string;
}

// Validated persisted documents, per isolate: a persisted operation is parsed and validated once.
const validated = new Map<string, DocumentNode>();

type Refusal = [string, { status: number; statusText: string; headers: Record<string, string> }];

function refuse(
  status: number,
  errors: GraphQLFormattedError[],
  headers: Record<string, string> = {},
): Refusal {
  return [
    JSON.stringify({ errors }),
    { status, statusText: "", headers: { "content-type": "application/json", ...headers } },
  ];
}
const refuseWith = (code: ErrorCode, message: string, status = 400) =>
  refuse(status, [requestError(code, message)]);

interface Internal {
  call: GraphqlCall;
  ctx: GraphqlContext;
  operation?: OperationDefinitionNode;
  persistedName?: string;
}

function persistedHash(extensions: GraphqlCall["params"]["extensions"]): string | undefined {
  const persisted = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  return typeof persisted?.sha256Hash === "string" ? persisted.sha256Hash : undefined;
}

/** Does the operation ask for anything beyond the public root fields? (Fragments at the root too.) */
function needsUser(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== "query") return true;
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  const visit = (set: OperationDefinitionNode["selectionSet"]): boolean =>
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return !PUBLIC_ROOT_FIELDS.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet);
      const fragment = fragments.get(s.name.value);
      return fragment ? visit(fragment.selectionSet) : false;
    });
  return visit(operation.selectionSet);
}

const handler = createHandler<Request, Internal, GraphqlContext>({
  schema,
  // Persisted operations only, unless the caller may send text (contract: "GraphQL").
  parseRequestParams: (req) => {
    const { params, admin, allowArbitrary } = req.context.call;
    const hash = persistedHash(params.extensions);
    const stored = hash === undefined ? undefined : PERSISTED_OPERATIONS.get(hash);
    const text = typeof params.query === "string" ? params.query : undefined;
    // Apollo clients recognise the message "PersistedQueryNotFound" and may retry with the text.
    const notFound = () => refuseWith("persisted_query_not_found", "PersistedQueryNotFound");
    let query: string;
    if (stored !== undefined) query = stored;
    else if (text !== undefined && (admin || allowArbitrary)) query = text;
    else if (text === undefined && hash === undefined) return refuseWith("invalid_body", "Missing query");
    else return notFound();
    return {
      query,
      operationName: params.operationName ?? undefined,
      variables: params.variables ?? undefined,
      // The allow-list id travels on to onSubscribe, which validates each persisted document once.
      extensions: stored !== undefined ? { persistedQuery: hash } : undefined,
    } satisfies RequestParams;
  },
  onSubscribe: (req, params) => {
    const internal = req.context;
    const hash =
      typeof params.extensions?.persistedQuery === "string" ? params.extensions.persistedQuery : null;
    let document = hash === null ? undefined : validated.get(hash);
    if (!document) {
      try {
        document = parse(params.query);
      } catch (error) {
        return refuseWith("invalid_query", error instanceof Error ? error.message : "Syntax error");
      }
      const errors = validate(schema, document);
      if (errors.length > 0)
        return refuse(
          400,
          errors.map((e) => requestError("invalid_query", e.message)),
        );
      if (hash !== null) validated.set(hash, document);
    }
    const operation = getOperationAST(document, params.operationName);
    if (!operation)
      return refuseWith("invalid_query", "operationName does not name one operation of the document");
    const refusal = limitRefusal(measureOperation(document, operation, params.variables ?? undefined));
    if (refusal) return refuseWith("invalid_query", refusal);
    if (!internal.ctx.auth && !internal.call.admin && needsUser(document, operation)) {
      return refuse(401, [requestError("unauthorized", "Missing, invalid or expired access token")], {
        "www-authenticate": 'Bearer error="invalid_token"',
      });
    }
    internal.operation = operation;
    if (hash !== null) internal.persistedName = operation.name?.value;
    return {
      schema,
      document,
      operationName: params.operationName,
      variableValues: params.variables,
      rootValue,
      contextValue: internal.ctx,
    };
  },
  onOperation: (req, _args, result) => {
    if ("errors" in result) logUnexpected(result.errors, req.context.ctx.c.var.requestId);
  },
  formatError,
});

/** Runs one GraphQL request for the route; never throws for a GraphQL-level failure. */
export async function runGraphql(c: Context<AppEnv>, call: GraphqlCall): Promise<GraphqlAnswer> {
  const internal: Internal = {
    call,
    ctx: { c, auth: c.var.auth, batch: new RequestBatch(c.var.db), memo: new Map(), loaders: new Map() },
  };
  const [body, init] = await handler({
    method: c.req.method,
    url: c.req.url,
    headers: c.req.raw.headers,
    body: null,
    raw: c.req.raw,
    context: internal,
  });
  return {
    body,
    status: init.status ?? 200,
    headers: (init.headers ?? {}) as Record<string, string>,
    operation: internal.operation?.operation,
    persistedName: internal.persistedName,
  };
}
