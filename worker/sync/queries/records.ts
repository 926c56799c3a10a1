import type { D1Like } from "../../db/client";
import { clientKey, deviceKey, type ClientState } from "../group";
import type { StoredRecord } from "../merge";
import type { RecordWrite } from "../plan";
import { recordKey } from "../plan";
import type { RecordValue } from "../protocol";

/**
 * The sync engine's D1 statements. Plain prepared statements with bound parameters: a push is one
 * heterogeneous `batch()` (a transaction), which is clearer in SQL than through a query builder.
 * D1 binds at most 100 parameters per statement, so every list is chunked.
 */
const KEYS_PER_SELECT = 97; // + space_id + collection
const ROWS_PER_UPSERT = 14; // 7 parameters per row

export interface RecordRow {
  collection: string;
  key: string;
  version: number;
  deleted: number;
  value: string | null;
}

export const parseValue = (text: string | null): RecordValue | null =>
  text === null ? null : (JSON.parse(text) as RecordValue);

export interface SpaceState {
  version: number;
  purgeHorizon: number;
}

export async function loadSpaceState(d1: D1Like, spaceId: string): Promise<SpaceState | null> {
  const row = await d1
    .prepare("SELECT version, purge_horizon AS purgeHorizon FROM spaces WHERE id = ?")
    .bind(spaceId)
    .first<SpaceState>();
  return row ?? null;
}

/** Versions never go back: used when the Durable Object remembers a higher one than D1 holds. */
export async function raiseSpaceVersion(d1: D1Like, spaceId: string, version: number): Promise<void> {
  await d1.prepare("UPDATE spaces SET version = MAX(version, ?) WHERE id = ?").bind(version, spaceId).run();
}

export interface ClientRow {
  userId: string;
  lastMutationId: number;
}

const CLIENTS_PER_SELECT = 49; // 2 parameters each, + space_id

interface PushState {
  clients: Map<string, ClientState>;
  records: Map<string, StoredRecord>;
  /** The `devices` that are device rows of the user named with them, by `deviceKey`. */
  ownedDevices: Set<string>;
}

/**
 * Reads, in one round trip, the rows of `clients` (absent = new client; by `clientKey`), the
 * current state of every record in `keys` (`collection`, `key` pairs), and which of the pushers'
 * claimed `devices` are really theirs (so checking costs no round trip of its own).
 */
export async function loadPushState(
  d1: D1Like,
  spaceId: string,
  clients: readonly { userId: string; clientId: string }[],
  keys: readonly { collection: string; key: string }[],
  devices: readonly { userId: string; deviceId: string }[] = [],
): Promise<PushState> {
  const byCollection = new Map<string, Set<string>>();
  for (const k of keys) {
    const set = byCollection.get(k.collection) ?? new Set<string>();
    set.add(k.key);
    byCollection.set(k.collection, set);
  }
  const clientStatements: D1PreparedStatement[] = [];
  const ids = [...new Map(clients.map((c) => [clientKey(c.userId, c.clientId), c])).values()];
  for (let i = 0; i < ids.length; i += CLIENTS_PER_SELECT) {
    const chunk = ids.slice(i, i + CLIENTS_PER_SELECT);
    clientStatements.push(
      d1
        .prepare(
          `SELECT client_id AS clientId, user_id AS userId, last_mutation_id AS lastMutationId FROM sync_clients WHERE space_id = ? AND (user_id, client_id) IN (VALUES ${chunk.map(() => "(?, ?)").join(", ")})`,
        )
        .bind(spaceId, ...chunk.flatMap((c) => [c.userId, c.clientId])),
    );
  }
  const recordStatements: D1PreparedStatement[] = [];
  for (const [collection, set] of byCollection) {
    const list = [...set];
    for (let i = 0; i < list.length; i += KEYS_PER_SELECT) {
      const chunk = list.slice(i, i + KEYS_PER_SELECT);
      recordStatements.push(
        d1
          .prepare(
            `SELECT collection, key, version, deleted, value FROM records WHERE space_id = ? AND collection = ? AND key IN (${chunk.map(() => "?").join(", ")})`,
          )
          .bind(spaceId, collection, ...chunk),
      );
    }
  }
  const deviceStatements: D1PreparedStatement[] = [];
  for (let i = 0; i < devices.length; i += CLIENTS_PER_SELECT) {
    const chunk = devices.slice(i, i + CLIENTS_PER_SELECT);
    deviceStatements.push(
      d1
        .prepare(
          `SELECT user_id AS userId, id AS deviceId FROM devices WHERE (user_id, id) IN (VALUES ${chunk.map(() => "(?, ?)").join(", ")})`,
        )
        .bind(...chunk.flatMap((d) => [d.userId, d.deviceId])),
    );
  }
  const found = new Map<string, ClientState>();
  const records = new Map<string, StoredRecord>();
  const ownedDevices = new Set<string>();
  const statements = [...deviceStatements, ...clientStatements, ...recordStatements];
  if (statements.length === 0) return { clients: found, records, ownedDevices };
  const results = await d1.batch<unknown>(statements);
  for (const result of results.splice(0, deviceStatements.length)) {
    for (const row of result.results as { userId: string; deviceId: string }[])
      ownedDevices.add(deviceKey(row.userId, row.deviceId));
  }
  results.forEach((result, i) => {
    if (i < clientStatements.length) {
      for (const row of result.results as (ClientRow & { clientId: string })[]) {
        found.set(clientKey(row.userId, row.clientId), { lastMutationId: row.lastMutationId });
      }
      return;
    }
    for (const row of result.results as RecordRow[]) {
      records.set(recordKey(row.collection, row.key), {
        version: row.version,
        deleted: row.deleted === 1,
        value: parseValue(row.value),
      });
    }
  });
  return { clients: found, records, ownedDevices };
}

interface CommitInput {
  spaceId: string;
  /** The version the Durable Object believes D1 holds; the commit fails if it does not. */
  fromVersion: number;
  toVersion: number;
  writes: readonly RecordWrite[];
  /** The clients whose last mutation id moves (none for server-side writes). */
  clients: readonly {
    clientId: string;
    userId: string;
    deviceId: string | null;
    /** The last id the object believes D1 holds; null = the client is new (no row yet). */
    from: number | null;
    to: number;
  }[];
  now: number;
}

/**
 * The statements of one commit, for a single `batch()`. Two guards make it a compare-and-swap, so
 * a stale cache in the Durable Object (say, after a commit whose response was lost) can never
 * apply anything twice or hand out a version twice: when the stored version or last mutation id
 * is not the expected one, the CASE yields NULL into a NOT NULL column and the whole batch rolls
 * back; a client believed new is INSERTed, which fails on its primary key if it is not.
 */
export function commitStatements(d1: D1Like, input: CommitInput): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        "UPDATE spaces SET version = CASE WHEN version = ? THEN ? ELSE NULL END, updated_at = ? WHERE id = ?",
      )
      .bind(input.fromVersion, input.toVersion, input.now, input.spaceId),
  ];
  for (const c of input.clients) {
    statements.push(
      c.from === null
        ? d1
            .prepare(
              "INSERT INTO sync_clients (space_id, client_id, user_id, device_id, last_mutation_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(input.spaceId, c.clientId, c.userId, c.deviceId, c.to, input.now, input.now)
        : d1
            .prepare(
              "UPDATE sync_clients SET last_mutation_id = CASE WHEN last_mutation_id = ? THEN ? ELSE NULL END, device_id = COALESCE(?, device_id), updated_at = ? WHERE space_id = ? AND user_id = ? AND client_id = ?",
            )
            .bind(c.from, c.to, c.deviceId, input.now, input.spaceId, c.userId, c.clientId),
    );
  }
  for (let i = 0; i < input.writes.length; i += ROWS_PER_UPSERT) {
    const chunk = input.writes.slice(i, i + ROWS_PER_UPSERT);
    statements.push(
      d1
        .prepare(
          `INSERT INTO records (space_id, collection, key, version, deleted, value, updated_at) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT (space_id, collection, key) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, value = excluded.value, updated_at = excluded.updated_at`,
        )
        .bind(
          ...chunk.flatMap((w) => [
            input.spaceId,
            w.collection,
            w.key,
            w.version,
            w.deleted ? 1 : 0,
            w.value === null ? null : JSON.stringify(w.value),
            input.now,
          ]),
        ),
    );
  }
  return statements;
}

/**
 * Purges tombstones last written before `cutoff` and raises the space's purge horizon to the
 * highest version purged, in one transaction: a cursor below the horizon may have missed a
 * delete and must resync.
 */
export async function purgeTombstones(d1: D1Like, spaceId: string, cutoff: number): Promise<number> {
  const [, deleted] = await d1.batch([
    d1
      .prepare(
        "UPDATE spaces SET purge_horizon = MAX(purge_horizon, COALESCE((SELECT MAX(version) FROM records WHERE space_id = ? AND deleted = 1 AND updated_at < ?), 0)) WHERE id = ?",
      )
      .bind(spaceId, cutoff, spaceId),
    d1
      .prepare("DELETE FROM records WHERE space_id = ? AND deleted = 1 AND updated_at < ?")
      .bind(spaceId, cutoff),
  ]);
  return deleted?.meta.changes ?? 0;
}

/** Devices of the space's members that can receive a push (for background sync). */
export async function memberPushDevices(d1: D1Like, spaceId: string): Promise<string[]> {
  const { results } = await d1
    .prepare(
      "SELECT d.id AS id FROM devices d JOIN space_members m ON m.user_id = d.user_id WHERE m.space_id = ? AND d.push_token IS NOT NULL AND d.push_token_invalid_at IS NULL",
    )
    .bind(spaceId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}
