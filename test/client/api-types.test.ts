import { expect, it } from "vitest";
import type * as Api from "../../client/src/api-types";

// The SDK picks its wire types out of the generated OpenAPI types by path and method. If a
// regeneration (npm run client:types) ever made one of them `never` — a path or a 200 renamed —
// this file stops type-checking (npm run typecheck), instead of the SDK silently losing types.

type Present<T> = [T] extends [never] ? false : true;

const present: Record<string, true> = {
  TokenResponseBody: true satisfies Present<Api.TokenResponseBody>,
  RefreshResponseBody: true satisfies Present<Api.RefreshResponseBody>,
  DeviceRegistration: true satisfies Present<Api.DeviceRegistration>,
  InboxItem: true satisfies Present<Api.InboxItem>,
  RemoteConfig: true satisfies Present<Api.RemoteConfig>,
  SyncMutation: true satisfies Present<Api.SyncMutation>,
  SyncPushResponse: true satisfies Present<Api.SyncPushResponse>,
  SyncPullResponse: true satisfies Present<Api.SyncPullResponse>,
  SyncRecord: true satisfies Present<Api.SyncRecord>,
};

it("finds every wire type the SDK uses in the generated OpenAPI types", () => {
  expect(Object.values(present).every(Boolean)).toBe(true);
});
