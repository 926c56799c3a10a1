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
/** Named apart from push delivery's outcome: this is a sync push's answer. */
export type SyncPushOutcome = (PushResponse & { ok: true }) | SyncFailure;
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
} as const;
