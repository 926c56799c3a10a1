import type { StartedWorker } from "./start-worker";

export interface ServerRow {
  collection: string;
  key: string;
  version: number;
  value: Record<string, unknown>;
}

/** The server's truth for a space, read from D1 itself rather than through the API under test. */
export async function serverState(worker: StartedWorker, spaceId: string) {
  const db = await worker.mf.getD1Database("DB");
  const space = await db
    .prepare("SELECT version FROM spaces WHERE id = ?")
    .bind(spaceId)
    .first<{ version: number }>();
  const rows = await db
    .prepare("SELECT collection, key, version, value FROM records WHERE space_id = ? AND deleted = 0")
    .bind(spaceId)
    .all<{ collection: string; key: string; version: number; value: string }>();
  const clients = await db
    .prepare("SELECT client_id AS clientId, last_mutation_id AS last FROM sync_clients WHERE space_id = ?")
    .bind(spaceId)
    .all<{ clientId: string; last: number }>();
  const live: ServerRow[] = rows.results
    .map((r) => ({ ...r, value: JSON.parse(r.value) as Record<string, unknown> }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  return {
    version: space?.version ?? 0,
    live,
    clients: new Map(clients.results.map((c) => [c.clientId, c.last])),
  };
}

/** `{ key: value }` of one collection, for comparing with an SDK's `list()`. */
export const byKey = (rows: Array<{ key: string; value: Record<string, unknown> }>) =>
  Object.fromEntries(rows.map((r) => [r.key, r.value]));
