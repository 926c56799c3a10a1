import type { MemoryStorage } from "./client-harness";
import { fetchJson, type StartedWorker } from "./start-worker";

export interface ServerRow {
  collection: string;
  key: string;
  version: number;
  value: Record<string, unknown>;
}

/** The access token an app holds (for the calls the SDK does not wrap: spaces, members). */
export function tokenOf(storage: MemoryStorage): string {
  return (JSON.parse(storage.snapshot().get("outpost:session") ?? "{}") as { accessToken: string })
    .accessToken;
}

/**
 * The server's state of a space, read with a raw paginated pull from 0 (no SDK code involved):
 * its version (the cursor of the last page: one per applied change) and its live records.
 */
export async function serverState(worker: StartedWorker, spaceId: string, storage: MemoryStorage) {
  const live: ServerRow[] = [];
  let cursor = 0;
  for (;;) {
    const res = await fetchJson<{
      changes: Array<ServerRow & { deleted: boolean }>;
      cursor: number;
      hasMore: boolean;
    }>(worker.url, `/v1/sync/${spaceId}/pull?cursor=${cursor}&limit=1000`, { token: tokenOf(storage) });
    if (res.status !== 200) throw new Error(`pull answered ${res.status}`);
    for (const c of res.body.changes) if (!c.deleted) live.push(c);
    cursor = res.body.cursor;
    if (!res.body.hasMore) break;
  }
  live.sort((a, b) => (a.key < b.key ? -1 : 1));
  return { version: cursor, live };
}

/** `{ key: value }` of one collection, for comparing with an SDK's `list()`. */
export const byKey = (rows: Array<{ key: string; value: Record<string, unknown> }>) =>
  Object.fromEntries(rows.map((r) => [r.key, r.value]));
