export { Outpost, type OutpostOptions, type OutpostEvents, type ClientHints } from "./outpost";
export { OutpostError } from "./errors";
export { memoryStorage } from "./storage/memory";
export { indexedDbStorage } from "./storage/indexed-db";
export type { OutpostStorage } from "./storage/types";
export type { User } from "./auth/session";
export type { IdTokenSignIn } from "./auth/auth";
export type { Space } from "./sync/space";
export type { Row, SpaceStatus, PendingMutation, Value, WireRecord } from "./sync/types";
export type { PushRegistration } from "./push";
export type { RemoteConfig } from "./config";
export type { UpgradeRequired } from "./http";
export type { BackoffOptions } from "./backoff";
export type {
  FetchLike,
  ResponseLike,
  RequestInitLike,
  WebSocketFactory,
  WebSocketLike,
  Timers,
} from "./platform";
export type { InboxItem, InboxPage } from "./api-types";
