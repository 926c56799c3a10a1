import type { OutpostError } from "../errors.js";
import type { SyncPullResponse, SyncPushResponse, SyncRecord } from "../api-types.js";

export type Value = Record<string, unknown>;

/** A record as the server last sent it (live records only: tombstones are not kept). */
export interface ServerRecord {
  version: number;
  value: Value;
}

export type Op = "put" | "patch" | "delete";

/** A local edit waiting for the server's acknowledgement; `id` grows by one per clientId. */
export interface PendingMutation {
  id: number;
  collection: string;
  key: string;
  op: Op;
  value?: Value;
  /** The server version of the record when the user edited it (reject-policy conflicts). */
  baseVersion?: number;
  /** Edited on top of an earlier pending mutation of the same record: base set once that lands. */
  chained?: boolean;
}

export interface SpaceMeta {
  clientId: string;
  /** The pull cursor: server version the local copy reflects. */
  cursor: number;
  /** The last id the server acknowledged for this clientId. */
  lastMutationId: number;
}

export type WireRecord = SyncRecord;
export type PushResponse = SyncPushResponse;
export type PullResponse = SyncPullResponse;

export interface Row {
  key: string;
  value: Value;
}

export interface SpaceStatus {
  pending: number;
  version: number;
  online: boolean;
  syncing: boolean;
  lastError?: OutpostError;
}

export interface SpaceEvents {
  rejected: { mutation: PendingMutation; error: OutpostError };
  conflict: { mutation: PendingMutation; record: WireRecord };
  status: SpaceStatus;
  change: { collections: string[] };
}

/** `collection` + NUL + `key`, as the server keys records: NUL never appears in a collection name. */
export const rid = (collection: string, key: string) => `${collection}\u0000${key}`;

export function splitRid(id: string): [string, string] {
  const i = id.indexOf("\u0000");
  return [id.slice(0, i), id.slice(i + 1)];
}
