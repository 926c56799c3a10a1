import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { ZodError } from "zod";
import type { AppEnv, UserEnv } from "./env";
import { ApiError, ERROR_CODES, type FieldError } from "./errors";
import { requireAdmin } from "./middleware/admin";
import { requireUser } from "./middleware/auth";
import { primary } from "./middleware/database";

/** zod issues → the contract's `errors[]` (`path` dotted, e.g. `mutations.0.key`). */
function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/**
 * Every route sub-app is made here, so one hook shapes every validation failure:
 * bodies → `400 invalid_body`, query strings and path params → `400 invalid_query`.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const errors = fieldErrors(result.error);
      if (result.target === "json") {
        throw new ApiError(400, "invalid_body", "The request body does not match the schema", { errors });
      }
      throw new ApiError(400, "invalid_query", "The request parameters are invalid", { errors });
    },
  });
}

/** An OpenAPI security requirement: scheme name → scopes. */
type Security = Record<string, string[]>[];
const NONE: Security = [];
const USER: Security = [{ bearerAuth: [] }];
/** `{}` is the requirement "no credential": either is accepted. */
const USER_OR_NONE: Security = [{}, ...USER];
const ADMIN: Security = [{ adminKey: [] }];

// Who may call an operation. Every createRoute spreads exactly one of these, so the document's
// `security` and the guard that enforces it are written once, side by side, and cannot drift.

/** No credential needed (sign-in, public documents). */
export const asPublic = { security: NONE };

/**
 * Anyone; a user's access token, when sent, is verified and used (`c.var.auth` may be set),
 * e.g. percentage rollouts in config, or linking a new identity to an anonymous user.
 */
export const asOptionalUser = { security: USER_OR_NONE };

/**
 * Like `asOptionalUser`, or the operator's admin key (GraphQL: the admin key may send query text).
 * The handler tells them apart; a wrong admin key is 401 as on every admin route.
 */
export const asOptionalUserOrAdmin = { security: [...USER_OR_NONE, ...ADMIN] };

/**
 * A user's access token (`Authorization: Bearer`). The guard is typed, so the handler reads
 * `c.var.auth` as an `AuthContext`. Route-specific middleware that needs the user goes in `more`.
 */
export function asUser<M extends MiddlewareHandler<AppEnv>[]>(...more: M) {
  const middleware: [MiddlewareHandler<AppEnv & UserEnv>, ...M] = [requireUser(), ...more];
  return { security: USER, middleware };
}

/**
 * The operator's `ADMIN_API_KEY` as bearer (a user token is 403). Route-specific middleware in
 * `more` runs after the key is checked (e.g. a per-key rate limit counts only valid keys).
 * Admin calls read the primary: an operator reads back what they just wrote (config revisions,
 * campaigns) and their conditional writes must not be judged on a replica's older copy.
 */
export function asAdmin<M extends MiddlewareHandler<AppEnv>[]>(...more: M) {
  const middleware: [MiddlewareHandler<AppEnv>, MiddlewareHandler<AppEnv>, ...M] = [
    requireAdmin(),
    primary(),
    ...more,
  ];
  return { security: ADMIN, middleware };
}

/** The security schemes the requirements above name. */
export function registerSecuritySchemes(registry: OpenAPIHono<AppEnv>["openAPIRegistry"]): void {
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An Outpost access token (ES256, ≤ 15 minutes) from /v1/auth/*",
  });
  registry.registerComponent("securitySchemes", "accessTokenQuery", {
    type: "apiKey",
    in: "query",
    name: "token",
    description: "The same access token, for WebSocket clients that cannot set headers",
  });
  registry.registerComponent("securitySchemes", "adminKey", {
    type: "http",
    scheme: "bearer",
    description: "The ADMIN_API_KEY secret",
  });
}

const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://outpost.dev/problems/invalid-body" }),
    title: z.string().openapi({ example: "Invalid request body" }),
    status: z.number().int().openapi({ example: 400 }),
    code: z.string().openapi({
      description:
        `Stable and machine-readable; branch on this, never on text. Today one of ${ERROR_CODES.join(", ")}. ` +
        "Clients should treat a code they do not know like its status.",
      example: "invalid_body",
    }),
    detail: z.string(),
    requestId: z.string().openapi({ description: "The X-Request-Id of this call, for support" }),
    errors: z
      .array(z.object({ path: z.string().openapi({ example: "mutations.0.key" }), message: z.string() }))
      .optional()
      .openapi({ description: "Each field that failed validation (invalid_body, invalid_query)" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details (application/problem+json)" });

const UpgradeRequiredSchema = ProblemSchema.extend({
  minVersion: z.string().openapi({ example: "3.0.0" }),
  storeUrl: z.string().openapi({ example: "https://apps.apple.com/app/id1" }),
}).openapi("UpgradeRequiredProblem");

/** The default meaning of each status an operation can answer with a problem. */
const PROBLEMS = {
  400: "invalid_json, invalid_body or invalid_query (`errors[]` names each field)",
  401: "unauthorized: missing, invalid or expired credential",
  403: "forbidden: authenticated but not allowed",
  404: "not_found (also what belongs to someone else: no existence oracle)",
  409: "conflict",
  410: "gone",
  412: "precondition_failed",
  413: "payload_too_large: the body is over 1 MiB",
  415: "unsupported_media_type: request bodies are application/json",
  426: "upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl)",
  429: "rate_limited: too many requests; retry after `Retry-After` seconds (nothing was changed)",
  503: "service_unavailable: retry later",
} as const;

type ProblemStatus = keyof typeof PROBLEMS;

const CHALLENGE = z.object({
  "WWW-Authenticate": z.string().optional().openapi({
    description: "Sent when the access token is the problem",
    example: 'Bearer error="invalid_token"',
  }),
});

const RETRY_AFTER = z.object({
  "Retry-After": z.string().openapi({ description: "Seconds to wait before retrying", example: "60" }),
});

/** One problem+json response; `description` says what the status means for this operation. */
export function problem(status: ProblemStatus, description: string = PROBLEMS[status]) {
  const schema = status === 426 ? UpgradeRequiredSchema : ProblemSchema;
  return {
    description,
    ...(status === 401 ? { headers: CHALLENGE } : status === 429 ? { headers: RETRY_AFTER } : {}),
    content: { "application/problem+json": { schema } },
  };
}

/** Problem responses with their default descriptions, to spread into `responses`. */
export function problems<S extends ProblemStatus>(...statuses: S[]) {
  const responses: Partial<Record<S, ReturnType<typeof problem>>> = {};
  for (const status of statuses) responses[status] = problem(status);
  return responses as Record<S, ReturnType<typeof problem>>;
}

const TAGS = [
  { name: "auth", description: "Sign-in, token refresh and sign-out" },
  { name: "account", description: "The signed-in user and their sessions" },
  { name: "devices", description: "App installs, their push tokens and topics" },
  { name: "sync", description: "Offline-first sync: push mutations, pull changes, live pokes" },
  { name: "spaces", description: "Personal and shared spaces and their members" },
  { name: "push", description: "Push campaigns (admin) and open tracking" },
  { name: "notifications", description: "The user's in-app inbox" },
  { name: "screens", description: "Whole screens in one round trip, tailored to the device" },
  { name: "config", description: "Remote config and feature flags" },
  { name: "entitlements", description: "In-app purchases verified with the stores, as entitlements" },
  { name: "graphql", description: "The same data and rules over GraphQL (persisted operations)" },
  { name: "admin", description: "Operator endpoints (ADMIN_API_KEY)" },
  { name: "operations", description: "Health and metrics" },
];

/** The document's top level; its server is the origin it was fetched from (this deployment). */
export function apiDocument(c: Context) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Outpost API",
      version: "1.0.0",
      description:
        "The backend-for-frontend the Outpost iOS and Android apps are written against.\n\n" +
        "Every response carries `Outpost-Bookmark`, the database position it reflects: send the latest " +
        "one back on the next request to read your own writes from the nearest replica (a malformed one " +
        "is ignored). `Server-Timing` names the request's database round trips " +
        '(`d1;desc="2 queries, 1 round trip"`; a sync push adds its space object\'s, ' +
        '`do-d1;desc="4 queries, 1 round trip, primary"`).',
    },
    servers: [{ url: new URL(c.req.url).origin, description: "This deployment" }],
    tags: TAGS,
  };
}
