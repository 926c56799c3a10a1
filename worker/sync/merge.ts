import { fieldsKnownTo, getCollection, validateValue, type CollectionSpec } from "./collections";
import { nestsDeeperThan } from "../lib/json-depth";
import {
  jsonBytes,
  MAX_VALUE_BYTES,
  MAX_VALUE_DEPTH,
  type Mutation,
  type MutationResult,
  type RecordValue,
  type SpaceMutation,
} from "./protocol";

/** A record's stored state (what D1 holds), before it is given a version by a commit. */
export interface StoredRecord {
  version: number;
  deleted: boolean;
  value: RecordValue | null;
}

/**
 * The outcome of one mutation against the record's current state. Pure: server order is the
 * caller's order, and nothing here reads a clock.
 * - `applied`: `next` is the record's new state (the caller stamps the version);
 * - `conflict`: nothing written, `current` is what the client must see;
 * - `rejected`: nothing written, `error` says why.
 */
type MutationOutcome =
  | { status: "applied"; next: { deleted: boolean; value: RecordValue | null } }
  | { status: "conflict"; current: StoredRecord; message: string }
  | { status: "rejected"; error: NonNullable<MutationResult["error"]> };

const rejected = (
  code: NonNullable<MutationResult["error"]>["code"],
  message: string,
  errors?: { path: string; message: string }[],
): MutationOutcome => ({ status: "rejected", error: { code, message, ...(errors ? { errors } : {}) } });

/** Fields the caller's app version does not know, if it sent any: those are not its to write. */
function unknownToApp(value: RecordValue, known: Set<string>): string[] {
  return Object.keys(value).filter((name) => !known.has(name));
}

/** Field-level merge in server order: given fields overwrite, `null` clears, others stay. */
export function mergePatch(current: RecordValue, patch: RecordValue): RecordValue {
  const next: RecordValue = { ...current };
  for (const [name, v] of Object.entries(patch)) {
    if (v === null) delete next[name];
    else next[name] = v;
  }
  return next;
}

/**
 * A `put` replaces the fields the caller knows and keeps the ones it does not (fields added
 * in a newer app version), so an old app never erases what a newer one wrote.
 */
export function replaceKnownFields(
  current: RecordValue | null,
  put: RecordValue,
  known: Set<string>,
): RecordValue {
  const next: RecordValue = {};
  if (current) {
    for (const [name, v] of Object.entries(current)) if (!known.has(name)) next[name] = v;
  }
  for (const [name, v] of Object.entries(put)) if (v !== null) next[name] = v;
  return next;
}

/** A stale `baseVersion` under the `reject` policy is a conflict; `lww` accepts it. */
function isStale(collection: CollectionSpec, mutation: Mutation, current: StoredRecord | undefined): boolean {
  if (collection.policy !== "reject" || mutation.baseVersion === undefined) return false;
  return (current?.version ?? 0) !== mutation.baseVersion;
}

function checkValue(collection: CollectionSpec, value: RecordValue): MutationOutcome | null {
  const issues = validateValue(collection, value);
  if (issues.length)
    return rejected("invalid_value", `The value does not match "${collection.name}"`, issues);
  if (jsonBytes(value) > MAX_VALUE_BYTES)
    return rejected("value_too_large", `A record value is at most ${MAX_VALUE_BYTES} bytes`);
  return null;
}

/** Decides one mutation. `appVersion` is the caller's (undefined = knows every field). */
export function applyMutation(
  mutation: SpaceMutation,
  current: StoredRecord | undefined,
  appVersion: string | undefined,
): MutationOutcome {
  const collection = getCollection(mutation.collection);
  if (!collection) return rejected("unknown_collection", `There is no collection "${mutation.collection}"`);
  // Checked before anything walks the value recursively (the route already screened pushes).
  if (mutation.valueTooDeep || (mutation.value && nestsDeeperThan(mutation.value, MAX_VALUE_DEPTH)))
    return rejected("invalid_value", `A record value nests at most ${MAX_VALUE_DEPTH} levels deep`);
  const known = fieldsKnownTo(collection, appVersion);
  const live = current && !current.deleted ? current : undefined;

  if (mutation.op === "delete") {
    if (live && isStale(collection, mutation, current))
      return { status: "conflict", current: live, message: "The record changed since baseVersion" };
    return { status: "applied", next: { deleted: true, value: null } };
  }

  const given = mutation.value ?? {};
  const foreign = unknownToApp(given, known);
  if (foreign.length) {
    return rejected(
      "unknown_field",
      "The value names fields this collection does not have for this app version",
      foreign.map((path) => ({ path, message: "unknown field" })),
    );
  }

  if (mutation.op === "patch") {
    // Deletes win over concurrent edits: a patch cannot resurrect a tombstone.
    if (current?.deleted)
      return { status: "conflict", current, message: "The record was deleted; a put recreates it" };
    if (isStale(collection, mutation, current))
      return {
        status: "conflict",
        current: current ?? TOMBSTONE_ABSENT,
        message: "The record changed since baseVersion",
      };
    const next = mergePatch(live?.value ?? {}, given);
    return checkValue(collection, next) ?? { status: "applied", next: { deleted: false, value: next } };
  }

  // put: recreates a tombstone (deletes only win over edits, not over a deliberate re-create).
  if (live && isStale(collection, mutation, current))
    return { status: "conflict", current: live, message: "The record changed since baseVersion" };
  const next = replaceKnownFields(live?.value ?? null, given, known);
  return checkValue(collection, next) ?? { status: "applied", next: { deleted: false, value: next } };
}

/** What a client is shown for a record that was never written (or whose tombstone was purged). */
const TOMBSTONE_ABSENT: StoredRecord = { version: 0, deleted: true, value: null };

/** A stored value as an app of `appVersion` may see it: fields it does not know left out. */
export function projectValue(
  collectionName: string,
  value: RecordValue | null,
  appVersion: string | undefined,
): RecordValue | null {
  if (value === null || appVersion === undefined) return value;
  const collection = getCollection(collectionName);
  if (!collection) return value;
  const known = fieldsKnownTo(collection, appVersion);
  const out: RecordValue = {};
  for (const [name, v] of Object.entries(value)) if (known.has(name)) out[name] = v;
  return out;
}
