import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ApiError, type ErrorCode } from "../errors";

/**
 * GraphQL's `errors[]` with `extensions.code` set to the contract's codes (the same ones REST
 * answers in problem+json), and nothing internal: an unexpected error is logged with the request
 * id and reported as `internal`.
 */

/** An entry of `errors[]` made from one of our errors (what a problem body would carry, as extensions). */
export function apiErrorEntry(error: ApiError): GraphQLFormattedError {
  const extensions: Record<string, unknown> = {
    code: error.code,
    status: error.status,
    ...error.options.extra,
  };
  if (error.options.errors) extensions.errors = error.options.errors;
  const retryAfter = error.options.headers?.["Retry-After"];
  if (retryAfter !== undefined) extensions.retryAfter = Number(retryAfter);
  return { message: error.detail ?? error.message, extensions };
}

/** An error before execution (syntax, validation, limits, persisted lookup) with its code. */
export function requestError(code: ErrorCode, message: string): GraphQLFormattedError {
  return { message, extensions: { code } };
}

/** An error a resolver did not mean to throw (a bug, D1 down): its message never reaches a client. */
const isUnexpected = (error: GraphQLError) =>
  error.originalError !== undefined &&
  !(error.originalError instanceof ApiError) &&
  !(error.originalError instanceof GraphQLError);

/** Logs the operation's unexpected errors with the request id (the answer says only `internal`). */
export function logUnexpected(errors: readonly GraphQLError[] | undefined, requestId: string): void {
  for (const error of errors ?? []) {
    if (!isUnexpected(error)) continue;
    console.error(
      JSON.stringify({
        level: "error",
        requestId,
        message: error.originalError?.message,
        stack: error.originalError?.stack,
        path: error.path,
      }),
    );
  }
}

/**
 * graphql-http's `formatError`: every error of an executed operation goes through here. It
 * answers a GraphQLError (its JSON is the formatted entry), keeping where the error happened.
 */
export function formatError(error: Readonly<Error>): GraphQLError {
  if (!(error instanceof GraphQLError)) {
    // graphql-http's own request errors ("Missing query"): about the request, never internal.
    return new GraphQLError(error.message, { extensions: { code: "invalid_body" } });
  }
  const original = error.originalError;
  const entry =
    original instanceof ApiError
      ? apiErrorEntry(original)
      : // Syntax and validation errors, or a variable of the wrong type: they name only the public schema.
        !isUnexpected(error)
        ? { message: error.message, extensions: { code: "invalid_query" } }
        : { message: "Something went wrong", extensions: { code: "internal" } };
  return new GraphQLError(entry.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: entry.extensions,
  });
}
