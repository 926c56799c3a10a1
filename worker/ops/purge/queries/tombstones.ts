/**
 * Sync tombstones (deleted records) last written before the retention cutoff, across spaces.
 *
 * The contract this keeps: a pull whose cursor is below its space's `purge_horizon` answers
 * `410 resync_required` (routes/sync.ts), because it may have missed a delete. So whenever a
 * tombstone of version v is deleted, its space's horizon is raised to at least v in the same
 * transaction (a batch), and pulls read the horizon and the records in one transaction too: no
 * pull can see the tombstone gone and the horizon not yet raised. Any subset of tombstones may
 * go in a batch (a cursor that misses a purged tombstone is below its version, so below the
 * horizon); the oldest versions go first so the horizon moves as little as it can. The SyncSpace object caches no horizon, so
 * writing D1 directly is consistent with it; its own daily alarm purges with the same rule.
 */

/** The `limit` oldest eligible tombstones, in the same order for both statements of the batch. */
const CHOSEN = `SELECT rowid, space_id, version FROM records
  WHERE deleted = 1 AND updated_at < ?1
  ORDER BY space_id, version, collection, key LIMIT ?2`;

/** Deletes up to `limit` tombstones last written before `cutoff`, raising their spaces' horizons. */
export async function purgeTombstonesBefore(d1: D1Database, cutoff: number, limit: number): Promise<number> {
  const [, deleted] = await d1.batch([
    d1
      .prepare(
        `WITH chosen AS (${CHOSEN})
         UPDATE spaces SET purge_horizon = MAX(purge_horizon,
           (SELECT MAX(version) FROM chosen WHERE chosen.space_id = spaces.id))
         WHERE id IN (SELECT space_id FROM chosen)`,
      )
      .bind(cutoff, limit),
    d1.prepare(`DELETE FROM records WHERE rowid IN (SELECT rowid FROM (${CHOSEN}))`).bind(cutoff, limit),
  ]);
  return deleted?.meta.changes ?? 0;
}
