export { Outpost, type OutpostOptions, type OutpostEvents, type ClientHints } from "./outpost.js";
export { OutpostError } from "./errors.js";
export { memoryStorage } from "./storage/memory.js";
export { indexedDbStorage } from "./storage/indexed-db.js";
export type { OutpostStorage } from "./storage/types.js";
export type { User } from "./auth/session.js";
export type { IdTokenSignIn } from "./auth/auth.js";
export type { Space } from "./sync/space.js";
export type { Row, SpaceStatus, PendingMutation, Value, WireRecord } from "./sync/types.js";
export type { PushRegistration } from "./push.js";
export type { RemoteConfig } from "./config.js";
export type { UpgradeRequired } from "./http.js";
export type { BackoffOptions } from "./backoff.js";
export type {
  FetchLike,
  ResponseLike,
  RequestInitLike,
  WebSocketFactory,
  WebSocketLike,
  Timers,
} from "./platform.js";
export type { InboxItem, InboxPage } from "./api-types.js";
