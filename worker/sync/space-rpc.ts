import type { D1Work } from "../db/counted-session";
import type { Mutation, MutationResult, PushResponse, SpaceMutation } from "./protocol";
import type { SpaceRole } from "./spaces";

/**
 * The SyncSpace object's RPC shapes, shared by the object and its client (space-client.ts):
 * failures are values, because an error's class does not cross RPC.
 */
export interface PushRequest {
  spaceId: string;
  userId: string;
  deviceId: string | null;
  appVersion: string | undefined;
  clientId: string;
  mutations: SpaceMutation[];
}

type SyncFailureCode = "not_found" | "forbidden" | "mutation_gap" | "unavailable";
export interface SyncFailure {
  ok: false;
  error: SyncFailureCode;
  detail: string;
}
/**
 * Named apart from push delivery's outcome: this is a sync push's answer. `d1` is what the
 * object's own primary session did for it (the group's round trips, shared by its pushes) and
 * the bookmark of its commit, which the push response carries (absent when the object failed
 * before reaching D1).
 */
export type SyncPushOutcome = ((PushResponse & { ok: true }) | SyncFailure) & { d1?: D1Work };
export type ServerMutation = Omit<Mutation, "id">;
export type ServerMutateOutcome = { ok: true; version: number; results: MutationResult[] } | SyncFailure;
export type MemberOutcome = { ok: true; userId: string; role: Exclude<SpaceRole, "owner"> } | SyncFailure;
export type RemoveOutcome = { ok: true } | SyncFailure;

export const fail = (error: SyncFailureCode, detail: string): SyncFailure => ({ ok: false, error, detail });
export const unavailable = () => fail("unavailable", "Try again shortly");

/**
 * A socket upgrade reaches the object with the user and device the Worker verified, in headers it
 * trusts because nothing but this Worker can reach the object.
 */
export const SOCKET_HEADERS = {
  space: "X-Outpost-Space",
  user: "X-Outpost-User",
  device: "X-Outpost-Device",
  session: "X-Outpost-Session",
  /** When the access token that opened the socket expires (ms): the socket ends with it. */
  expires: "X-Outpost-Expires",
} as const;

/** Who a socket belongs to, as the Worker verified it before the upgrade. */
export interface SocketOwner {
  userId: string;
  /** Only a device row of this user (else null): another's id must not count as live. */
  deviceId: string | null;
  sessionId: string;
  expiresAt: number;
}

/**
 * How often the object re-checks its sockets' sessions while any are open (one D1 read for all):
 * with the close itself, a logout, revocation or expiry ends the socket within 30 seconds.
 */
export const SOCKET_SESSION_CHECK_MS = 25_000;

/** The close code of a socket whose session ended or whose token expired: refresh, then reconnect. */
export const SESSION_ENDED_CLOSE = 4001;

/** The object's side of SOCKET_HEADERS: null when one is missing (not sent by our Worker). */
export function readSocketHeaders(headers: Headers): { spaceId: string; owner: SocketOwner } | null {
  const get = (name: keyof typeof SOCKET_HEADERS) => headers.get(SOCKET_HEADERS[name]);
  const [spaceId, userId, sessionId, expiresAt] = [
    get("space"),
    get("user"),
    get("session"),
    Number(get("expires")),
  ];
  if (!spaceId || !userId || !sessionId || !expiresAt) return null;
  return { spaceId, owner: { userId, deviceId: get("device"), sessionId, expiresAt } };
}
