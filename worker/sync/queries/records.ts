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

/**
 * Reads, in one round trip, the current state of every record in `keys` (`collection`, `key`
 * pairs; absent = never written or purged): for what the object's write cache cannot vouch for.
 */
export async function loadRecords(
  d1: D1Like,
  spaceId: string,
  keys: readonly { collection: string; key: string }[],
): Promise<{ records: Map<string, StoredRecord> }> {
  const byCollection = new Map<string, Set<string>>();
  for (const k of keys) {
    const set = byCollection.get(k.collection) ?? new Set<string>();
    set.add(k.key);
    byCollection.set(k.collection, set);
  }
  const statements: D1PreparedStatement[] = [];
  for (const [collection, set] of byCollection) {
    const list = [...set];
    for (let i = 0; i < list.length; i += KEYS_PER_SELECT) {
      const chunk = list.slice(i, i + KEYS_PER_SELECT);
      statements.push(
        d1
          .prepare(
            `SELECT collection, key, version, deleted, value FROM records WHERE space_id = ? AND collection = ? AND key IN (${chunk.map(() => "?").join(", ")})`,
          )
          .bind(spaceId, collection, ...chunk),
      );
    }
  }
  const records = new Map<string, StoredRecord>();
  if (statements.length === 0) return { records };
  for (const result of await d1.batch<RecordRow>(statements)) {
    for (const row of result.results) {
      records.set(recordKey(row.collection, row.key), {
        version: row.version,
        deleted: row.deleted === 1,
        value: parseValue(row.value),
      });
    }
  }
  return { records };
}

/** A record as the SyncSpace object keeps it: its stored state and the size of its value text. */
export interface CachedRecord extends StoredRecord {
  bytes: number;
}

export interface WriteState {
  /** Every client row of the space, by `clientKey`: a client absent here has no row in D1. */
  clients: Map<string, ClientState>;
  /** Every record of the space by `recordKey`, or null when the space holds more than the limit. */
  records: Map<string, CachedRecord> | null;
}

/**
 * Reads, in one round trip, what planning a write needs of the whole space: every client's last
 * mutation id and every record — none when the space holds more than `max.records` records or
 * `max.chars` characters of value text (checked inside the query: a big space is never loaded).
 */
export async function loadWriteState(
  d1: D1Like,
  spaceId: string,
  max: { records: number; chars: number },
): Promise<WriteState> {
  const [clientRows, recordRows] = await d1.batch<unknown>([
    d1
      .prepare(
        "SELECT client_id AS clientId, user_id AS userId, last_mutation_id AS lastMutationId FROM sync_clients WHERE space_id = ?",
      )
      .bind(spaceId),
    d1
      .prepare(
        `SELECT collection, key, version, deleted, value FROM records WHERE space_id = ?1 AND
           (SELECT count(*) <= ?2 AND coalesce(sum(length(value)), 0) <= ?3 FROM records WHERE space_id = ?1)
         UNION ALL SELECT NULL, NULL, NULL, NULL, NULL WHERE
           (SELECT count(*) > ?2 OR coalesce(sum(length(value)), 0) > ?3 FROM records WHERE space_id = ?1)`,
      )
      .bind(spaceId, max.records, max.chars),
  ]);
  const clients = new Map<string, ClientState>();
  for (const row of (clientRows?.results ?? []) as (ClientRow & { clientId: string })[])
    clients.set(clientKey(row.userId, row.clientId), { lastMutationId: row.lastMutationId });
  const rows = (recordRows?.results ?? []) as RecordRow[];
  // The one all-NULL row says the space is too big to hold.
  if (rows.length === 1 && (rows[0] as { collection: string | null }).collection === null)
    return { clients, records: null };
  const records = new Map<string, CachedRecord>();
  for (const row of rows)
    records.set(recordKey(row.collection, row.key), {
      version: row.version,
      deleted: row.deleted === 1,
      value: parseValue(row.value),
      bytes: row.value?.length ?? 0,
    });
  return { clients, records };
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
 * A claimed device id (`X-Device-Id`) counts only if it is a device row of the pusher's: checked
 * inside the commit (NULL otherwise), so checking costs no round trip; the statement RETURNs the
 * device it kept, which tells the caller whether the claim held.
 */
const OWNED_DEVICE = "(SELECT id FROM devices WHERE id = ? AND user_id = ?)";

/**
 * The statements of one commit, for a single `batch()`. Two guards make it a compare-and-swap, so
 * a stale cache in the Durable Object (say, after a commit whose response was lost) can never
 * apply anything twice or hand out a version twice: when the stored version or last mutation id
 * is not the expected one, the CASE yields NULL into a NOT NULL column and the whole batch rolls
 * back; a client believed new is INSERTed, which fails on its primary key if it is not.
 */
function commitStatements(d1: D1Like, input: CommitInput): D1PreparedStatement[] {
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
              `INSERT INTO sync_clients (space_id, client_id, user_id, device_id, last_mutation_id, created_at, updated_at) VALUES (?, ?, ?, ${OWNED_DEVICE}, ?, ?, ?) RETURNING device_id AS deviceId`,
            )
            .bind(input.spaceId, c.clientId, c.userId, c.deviceId, c.userId, c.to, input.now, input.now)
        : d1
            .prepare(
              `UPDATE sync_clients SET last_mutation_id = CASE WHEN last_mutation_id = ? THEN ? ELSE NULL END, device_id = COALESCE(${OWNED_DEVICE}, device_id), updated_at = ? WHERE space_id = ? AND user_id = ? AND client_id = ? RETURNING device_id AS deviceId`,
            )
            .bind(c.from, c.to, c.deviceId, c.userId, input.now, input.spaceId, c.userId, c.clientId),
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

/** What a commit learnt: the claimed devices that are the pushers' own, the devices to wake. */
export interface Committed {
  /** By `deviceKey`. */
  owned: Set<string>;
  /** The members' devices that can get a push (read only when the commit writes records). */
  devices: string[];
}

/**
 * Commits a group in ONE round trip: `commitStatements`, plus — when records change — the read of
 * the devices to wake, in the same batch. Each client statement (after the space's) RETURNs the
 * device it holds, which is the claimed one only if the claim held.
 */
export async function commitGroup(d1: D1Like, input: CommitInput): Promise<Committed> {
  const statements = commitStatements(d1, input);
  if (input.writes.length) statements.push(memberPushDevices(d1, input.spaceId));
  const results = await d1.batch<{ deviceId: string | null }>(statements);
  const owned = new Set<string>();
  input.clients.forEach((c, i) => {
    if (c.deviceId && results[i + 1]?.results[0]?.deviceId === c.deviceId)
      owned.add(deviceKey(c.userId, c.deviceId));
  });
  const devices = input.writes.length ? (results.at(-1)?.results ?? []).map((r) => r.deviceId ?? "") : [];
  return { owned, devices };
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

/**
 * Devices of the space's members that can receive a push (for background sync): read fresh by
 * every commit that changes something (a cached list would miss a device that registered its
 * token moments ago), as the last statement of the commit's own batch, so it costs no round trip.
 */
export function memberPushDevices(d1: D1Like, spaceId: string): D1PreparedStatement {
  return d1
    .prepare(
      "SELECT d.id AS deviceId FROM devices d JOIN space_members m ON m.user_id = d.user_id WHERE m.space_id = ? AND d.push_token IS NOT NULL AND d.push_token_invalid_at IS NULL",
    )
    .bind(spaceId);
}
