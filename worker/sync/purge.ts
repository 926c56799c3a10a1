const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_DAYS = 30;

/** Tombstones are purged once a day (the SyncSpace object's alarm). */
export const PURGE_INTERVAL_MS = DAY_MS;

/** Tombstones last written before this time are purged (`TOMBSTONE_RETENTION_DAYS`, 30 unless set). */
export function tombstoneCutoff(retentionDays: string | undefined, now: number): number {
  const days = Number(retentionDays);
  return now - (Number.isFinite(days) && days >= 0 ? days : DEFAULT_RETENTION_DAYS) * DAY_MS;
}
