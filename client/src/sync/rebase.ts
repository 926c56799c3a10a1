import type { PendingMutation, ServerRecord, Value } from "./types.js";

/**
 * One local edit on top of a value, as the server would apply it: `put` replaces (null fields
 * dropped), `patch` merges field by field (`null` clears a field), `delete` removes.
 * `undefined` means no record.
 */
export function applyLocal(current: Value | undefined, m: PendingMutation): Value | undefined {
  if (m.op === "delete") return undefined;
  const next: Value = m.op === "patch" && current ? { ...current } : {};
  for (const name of Object.keys(m.value ?? {})) {
    const v = (m.value as Value)[name];
    if (v === null) delete next[name];
    else next[name] = v;
  }
  return next;
}

/** Local state of one record: the server's value with the pending edits replayed in id order. */
export function replay(
  server: ServerRecord | undefined,
  edits: readonly PendingMutation[],
): Value | undefined {
  let value = server?.value;
  for (const m of edits) value = applyLocal(value, m);
  return value;
}

/**
 * Recomputes the local value of each record in `ids` (and only those): after a pull, the changed
 * records and the pending edits of those records; after an edit, that record. Returns what
 * each id now holds, so the caller updates its view in O(changes + their pending edits).
 */
export function rebase(
  ids: Iterable<string>,
  server: ReadonlyMap<string, ServerRecord>,
  pendingById: ReadonlyMap<string, readonly PendingMutation[]>,
): Map<string, Value | undefined> {
  const out = new Map<string, Value | undefined>();
  for (const id of ids) {
    if (out.has(id)) continue;
    out.set(id, replay(server.get(id), pendingById.get(id) ?? []));
  }
  return out;
}
