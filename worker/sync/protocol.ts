import { z } from "@hono/zod-openapi";

/**
 * The sync wire format (contract: "Sync — /v1/sync/{spaceId}"), shared by the routes and the
 * SyncSpace Durable Object. Limits live here so both sides agree.
 */
export const MAX_MUTATIONS_PER_PUSH = 500;
/** Per record value, measured as UTF-8 JSON. */
export const MAX_VALUE_BYTES = 256 * 1024;
/** Arrays and objects nested deeper than this are `rejected` (`invalid_value`), never sent on. */
export const MAX_VALUE_DEPTH = 32;
export const DEFAULT_PULL_LIMIT = 500;
/** A pull page stops once its record values reach this many bytes (at least one record per page). */
export const MAX_PULL_PAGE_BYTES = 4 * 1024 * 1024;
const MAX_PULL_LIMIT = 1000;

const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Space ids in paths: `me`, a personal id (`p_<userId>`) or a shared one (UUID). */
export const SPACE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export type RecordValue = Record<string, unknown>;

const isRecordValue = (v: unknown): v is RecordValue =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A record value, passed through as parsed: `z.record` would copy it and silently drop a
 * `__proto__` key, which must instead reach the collection's check and be rejected as unknown.
 */
const recordValueSchema = z
  .custom<RecordValue>(isRecordValue, "must be an object")
  .openapi({ type: "object", additionalProperties: true });

const mutationSchema = z
  .strictObject({
    id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    collection: z.string().min(1).max(100),
    key: z.string().min(1).max(256),
    op: z.enum(["put", "patch", "delete"]),
    value: recordValueSchema.optional(),
    baseVersion: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.op !== "delete" && m.value === undefined)
      ctx.addIssue({ code: "custom", path: ["value"], message: `a ${m.op} needs a value object` });
    if (m.op === "delete" && m.value !== undefined)
      ctx.addIssue({ code: "custom", path: ["value"], message: "a delete carries no value" });
  })
  .openapi("SyncMutation");

export type Mutation = z.infer<typeof mutationSchema>;

/**
 * A mutation as the Worker hands it to the SyncSpace object. A value nested deeper than
 * MAX_VALUE_DEPTH never crosses the RPC (structured clone would overflow the stack): the route
 * drops it and flags the mutation, which the object then rejects like any invalid value.
 */
export type SpaceMutation = Mutation & { valueTooDeep?: true };

export const pushBodySchema = z
  .strictObject({
    clientId: z.string().regex(CLIENT_ID, "1..128 of A-Z a-z 0-9 _ . : -"),
    // The count limit is a 413 (contract), checked by the handler, not a schema error.
    mutations: z.array(mutationSchema),
  })
  .openapi("SyncPushRequest");

/** A record as it travels: its latest state and the version that made it. */
export interface WireRecord {
  collection: string;
  key: string;
  version: number;
  deleted: boolean;
  value: RecordValue | null;
}

const wireRecordSchema = z
  .object({
    collection: z.string(),
    key: z.string(),
    version: z.number().int(),
    deleted: z.boolean(),
    value: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("SyncRecord");

type MutationStatus = "applied" | "conflict" | "rejected";

type MutationErrorCode =
  "conflict" | "unknown_collection" | "invalid_value" | "unknown_field" | "value_too_large";

export interface MutationResult {
  id: number;
  status: MutationStatus;
  record?: WireRecord;
  error?: { code: MutationErrorCode; message: string; errors?: { path: string; message: string }[] };
}

const mutationResultSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(["applied", "conflict", "rejected"]),
    record: wireRecordSchema.optional(),
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      })
      .optional(),
  })
  .openapi("SyncMutationResult");

export const pushResponseSchema = z
  .object({
    lastMutationId: z.number().int(),
    version: z.number().int(),
    results: z.array(mutationResultSchema),
  })
  .openapi("SyncPushResponse");

export interface PushResponse {
  lastMutationId: number;
  version: number;
  /** One entry per mutation this request processed; already-applied ids (retries) are skipped. */
  results: MutationResult[];
}

const nonNegativeInt = (name: string) =>
  z
    .string()
    .regex(/^\d{1,15}$/, `${name} must be a non-negative integer`)
    .transform(Number);

export const pullQuerySchema = z.object({
  clientId: z.string().regex(CLIENT_ID).optional(),
  cursor: nonNegativeInt("cursor").optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, "limit must be an integer 1..1000")
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PULL_LIMIT))
    .optional(),
});

export const pullResponseSchema = z
  .object({
    changes: z.array(wireRecordSchema),
    cursor: z.number().int(),
    hasMore: z.boolean(),
    lastMutationId: z.number().int(),
  })
  .openapi("SyncPullResponse");

export interface PullResponse {
  changes: WireRecord[];
  cursor: number;
  hasMore: boolean;
  lastMutationId: number;
}

/** Sent on the space's sockets whenever its version moves. */
export interface PokeMessage {
  type: "poke";
  version: number;
  /** The D1 bookmark of the change: a pull sent with it reads at least this version. */
  bookmark?: string;
}

/** UTF-8 size of a value's JSON (what the 256 KiB limit counts). */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}
