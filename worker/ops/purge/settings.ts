/** How long ended data is kept before the purge removes it (wrangler vars, in days). */

const DAY_MS = 86_400_000;

const RETENTION = {
  /** Sessions after they expired or were revoked (with their refresh tokens). */
  sessions: { setting: "SESSION_RETENTION_DAYS", days: 30 },
  /** Settled delivery-ledger rows after their campaign ended. */
  deliveries: { setting: "PUSH_LEDGER_RETENTION_DAYS", days: 90 },
  /** Sync tombstones after they were written: a client offline longer must resync (410). */
  tombstones: { setting: "TOMBSTONE_RETENTION_DAYS", days: 30 },
} as const;

/** The retention of `what` in ms; a missing or malformed setting falls back to the default. */
export function retentionMs(env: Env, what: keyof typeof RETENTION): number {
  const { setting, days: fallback } = RETENTION[what];
  const configured = Number(env[setting]);
  return (Number.isFinite(configured) && configured >= 0 ? configured : fallback) * DAY_MS;
}
