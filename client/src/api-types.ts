import type { paths } from "./generated/api.js";

/**
 * The wire types the SDK uses, taken from the generated OpenAPI types (never hand-written), so
 * a server change that breaks the SDK breaks its typecheck. Picked by path and method (binding
 * in the API contract) rather than by schema component names, which may be renamed freely.
 */
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

export type TokenResponseBody = OkJson<"/v1/auth/anonymous", "post">;
export type RefreshResponseBody = OkJson<"/v1/auth/refresh", "post">;
export type DeviceRegistration = BodyJson<"/v1/devices/{deviceId}", "put">;
export type InboxPage = OkJson<"/v1/notifications", "get">;
export type InboxItem = InboxPage["items"][number];
export type RemoteConfig = OkJson<"/v1/config", "get">;
export type SyncPushRequest = BodyJson<"/v1/sync/{spaceId}/push", "post">;
export type SyncMutation = SyncPushRequest["mutations"][number];
export type SyncPushResponse = OkJson<"/v1/sync/{spaceId}/push", "post">;
export type SyncPullResponse = OkJson<"/v1/sync/{spaceId}/pull", "get">;
export type SyncRecord = SyncPullResponse["changes"][number];
