import type { components, paths } from "./generated/api.js";

/**
 * The wire types the SDK uses, taken from the generated OpenAPI types (never hand-written), so
 * a server change that breaks the SDK breaks its typecheck.
 */
export type ApiSchemas = components["schemas"];

type Method = "get" | "put" | "post" | "delete";

/** The JSON body of an operation's 200 response. */
export type OkJson<P extends keyof paths, M extends Method> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer T } } };
}
  ? T
  : never;

/** The JSON request body of an operation. */
export type BodyJson<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer T } };
}
  ? T
  : never;

export type TokenResponseBody = ApiSchemas["TokenResponse"];
export type RefreshResponseBody = ApiSchemas["RefreshResponse"];
export type DeviceRegistration = BodyJson<"/v1/devices/{deviceId}", "put">;
export type InboxPage = OkJson<"/v1/notifications", "get">;
export type InboxItem = InboxPage["items"][number];
export type RemoteConfig = OkJson<"/v1/config", "get">;
