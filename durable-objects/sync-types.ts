import type { SpaceRole } from "../worker/db/queries/sync-spaces";
import type { Mutation, MutationResult, PushResponse } from "../worker/sync/protocol";

/** The SyncSpace object's RPC shapes: failures are values (an error's class does not cross RPC). */
export interface PushRequest {
  spaceId: string;
  userId: string;
  deviceId: string | null;
  appVersion: string | undefined;
  clientId: string;
  mutations: Mutation[];
}

export type SyncFailureCode = "not_found" | "forbidden" | "mutation_gap" | "unavailable";
export interface SyncFailure {
  ok: false;
  error: SyncFailureCode;
  detail: string;
}
export interface PushSuccess extends PushResponse {
  ok: true;
}
export type PushOutcome = PushSuccess | SyncFailure;
export type ServerMutation = Omit<Mutation, "id">;
export type ServerMutateOutcome = { ok: true; version: number; results: MutationResult[] } | SyncFailure;
export type MemberOutcome = { ok: true; userId: string; role: Exclude<SpaceRole, "owner"> } | SyncFailure;

export type RemoveOutcome = { ok: true } | SyncFailure;

export const fail = (error: SyncFailureCode, detail: string): SyncFailure => ({ ok: false, error, detail });
export const unavailable = () => fail("unavailable", "Try again shortly");
