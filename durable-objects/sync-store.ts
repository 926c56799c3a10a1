/**
 * The SyncSpace object's own SQLite: sync *state*, never data. Everything here is a cache that
 * can be rebuilt from D1 (the version, the client registry) or bookkeeping that only the object
 * needs (silent-push throttling, the purge schedule). All calls are synchronous, so a read and
 * the write that follows it can never interleave with another request.
 */
import { deviceKey, type ClientUpdate } from "../worker/sync/group";
import { PURGE_INTERVAL_MS } from "../worker/sync/purge";

interface PushMark {
  deviceId: string;
  lastPushAt: number;
  /** A change this device has not been told about yet (throttled): push it when the window ends. */
  owedVersion: number | null;
}

export class SyncStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    // Client ids are scoped per user (v1.1). The registry keyed by client id alone is dropped: it
    // is bookkeeping rebuilt by the next commits, never read to decide anything.
    sql.exec(`DROP TABLE IF EXISTS clients`);
    sql.exec(
      `CREATE TABLE IF NOT EXISTS user_clients (user_id TEXT NOT NULL, client_id TEXT NOT NULL, device_id TEXT,
         last_mutation_id INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, PRIMARY KEY (user_id, client_id))`,
    );
    sql.exec(
      `CREATE TABLE IF NOT EXISTS push_marks (device_id TEXT PRIMARY KEY, last_push_at INTEGER NOT NULL,
         owed_version INTEGER)`,
    );
  }

  getMeta(key: string): string | undefined {
    const row = this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row?.value;
  }

  setMeta(key: string, value: string | number): void {
    this.#sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      String(value),
    );
  }

  getNumber(key: string): number | undefined {
    const raw = this.getMeta(key);
    return raw === undefined ? undefined : Number(raw);
  }

  /**
   * The object's own record of a D1 commit (call inside one storage transaction). The commit's
   * bookmark is kept for the pokes and owed pushes that come later (a fresh socket, the alarm).
   */
  committed(
    version: number,
    clients: readonly ClientUpdate[],
    owned: ReadonlySet<string>,
    now: number,
    bookmark: string | null,
  ): void {
    this.setMeta("version", version);
    if (bookmark !== null) this.setMeta("bookmark", bookmark);
    for (const c of clients) {
      const device = c.deviceId && owned.has(deviceKey(c.userId, c.deviceId)) ? c.deviceId : null;
      this.#saveClient(c.clientId, c.userId, device, c.to, now);
    }
    if (this.getNumber("next_purge_at") === undefined) this.setMeta("next_purge_at", now + PURGE_INTERVAL_MS);
  }

  /** Records a client after a commit (the registry: who syncs here, from which device, when). */
  #saveClient(
    clientId: string,
    userId: string,
    deviceId: string | null,
    lastMutationId: number,
    now: number,
  ): void {
    this.#sql.exec(
      `INSERT INTO user_clients (client_id, user_id, device_id, last_mutation_id, last_seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id, client_id) DO UPDATE SET device_id = COALESCE(excluded.device_id, device_id),
         last_mutation_id = MAX(last_mutation_id, excluded.last_mutation_id), last_seen_at = excluded.last_seen_at`,
      clientId,
      userId,
      deviceId,
      lastMutationId,
      now,
    );
  }

  getPushMark(deviceId: string): PushMark | undefined {
    const row = this.#sql
      .exec<{ device_id: string; last_push_at: number; owed_version: number | null }>(
        "SELECT device_id, last_push_at, owed_version FROM push_marks WHERE device_id = ?",
        deviceId,
      )
      .toArray()[0];
    return row && { deviceId: row.device_id, lastPushAt: row.last_push_at, owedVersion: row.owed_version };
  }

  markPushed(deviceId: string, now: number): void {
    this.#sql.exec(
      `INSERT INTO push_marks (device_id, last_push_at, owed_version) VALUES (?, ?, NULL)
       ON CONFLICT (device_id) DO UPDATE SET last_push_at = excluded.last_push_at, owed_version = NULL`,
      deviceId,
      now,
    );
  }

  markOwed(deviceId: string, version: number): void {
    this.#sql.exec(
      "UPDATE push_marks SET owed_version = MAX(COALESCE(owed_version, 0), ?) WHERE device_id = ?",
      version,
      deviceId,
    );
  }

  clearOwed(deviceId: string): void {
    this.#sql.exec("UPDATE push_marks SET owed_version = NULL WHERE device_id = ?", deviceId);
  }

  /** Devices owed a push whose throttle window ends at or before `cutoff` (last push ≤ cutoff). */
  owedDue(lastPushBefore: number): PushMark[] {
    return this.#sql
      .exec<{ device_id: string; last_push_at: number; owed_version: number }>(
        "SELECT device_id, last_push_at, owed_version FROM push_marks WHERE owed_version IS NOT NULL AND last_push_at <= ?",
        lastPushBefore,
      )
      .toArray()
      .map((r) => ({ deviceId: r.device_id, lastPushAt: r.last_push_at, owedVersion: r.owed_version }));
  }

  /** The earliest last-push time among devices still owed a push (their window ends 20 min later). */
  earliestOwed(): number | undefined {
    const row = this.#sql
      .exec<{ t: number | null }>(
        "SELECT MIN(last_push_at) AS t FROM push_marks WHERE owed_version IS NOT NULL",
      )
      .one();
    return row.t ?? undefined;
  }
}
