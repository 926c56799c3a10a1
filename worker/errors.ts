/** Every stable error code a client may see. The contract names most of them; never free text. */
export const ERROR_CODES = [
  "invalid_json",
  "invalid_body",
  "invalid_query",
  "payload_too_large",
  "unsupported_media_type",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "upgrade_required",
  "invalid_id_token",
  "invalid_refresh_token",
  "refresh_token_reused",
  "mutation_gap",
  "resync_required",
  "conflict",
  "device_owned_elsewhere",
  "purchase_owned_elsewhere",
  "idempotency_conflict",
  "precondition_failed",
  "persisted_query_not_found",
  "rate_limited",
  "service_unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const TITLES: Record<ErrorCode, string> = {
  invalid_json: "Malformed JSON",
  invalid_body: "Invalid request body",
  invalid_query: "Invalid query",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  upgrade_required: "Upgrade required",
  invalid_id_token: "Invalid ID token",
  invalid_refresh_token: "Invalid refresh token",
  refresh_token_reused: "Refresh token reused",
  mutation_gap: "Mutation gap",
  resync_required: "Resync required",
  conflict: "Conflict",
  device_owned_elsewhere: "Device registered to another user",
  purchase_owned_elsewhere: "Purchase linked to another user",
  idempotency_conflict: "Idempotency key reused with a different request",
  precondition_failed: "Precondition failed",
  persisted_query_not_found: "Persisted query not found",
  rate_limited: "Too many requests",
  service_unavailable: "Service unavailable",
  internal: "Internal error",
};

export interface FieldError {
  path: string;
  message: string;
}

interface ApiErrorOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members of the problem body the contract asks for (e.g. `minVersion`, `storeUrl`). */
  extra?: Record<string, unknown>;
}

/** The one error type routes throw; `onError` turns it into problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(detail ?? TITLES[code]);
    this.name = "ApiError";
  }
}

export const unauthorized = (detail = "Missing, invalid or expired access token") =>
  new ApiError(401, "unauthorized", detail, {
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  });
export const forbidden = (detail = "Not allowed") => new ApiError(403, "forbidden", detail);
export const notFound = (detail = "Not found") => new ApiError(404, "not_found", detail);
export const invalidQuery = (detail: string, errors?: FieldError[]) =>
  new ApiError(400, "invalid_query", detail, { errors });
export const invalidBody = (detail: string, errors?: FieldError[]) =>
  new ApiError(400, "invalid_body", detail, { errors });

/** RFC 9457 problem details. Nothing internal (stack, SQL, class names) ever goes in here. */
export function problemResponse(error: ApiError, requestId: string): Response {
  const body: Record<string, unknown> = {
    type: `https://outpost.dev/problems/${error.code.replaceAll("_", "-")}`,
    title: TITLES[error.code],
    status: error.status,
    code: error.code,
    detail: error.detail ?? TITLES[error.code],
    requestId,
    ...error.options.extra,
  };
  if (error.options.errors) body.errors = error.options.errors;
  const headers = new Headers(error.options.headers);
  headers.set("Content-Type", "application/problem+json");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
