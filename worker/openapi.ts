import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { AppEnv } from "./env";
import { ApiError, type FieldError } from "./errors";

/** zod issues → the contract's `errors[]` (`path` dotted, e.g. `mutations.0.key`). */
export function fieldErrors(error: ZodError): FieldError[] {
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
