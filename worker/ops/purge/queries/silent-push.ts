/**
 * The silent-push log holds one row per device: when it last got a background sync push. A row
 * older than the throttle window no longer throttles anything (a claim treats it as a free slot,
 * exactly as it treats no row), so it can go.
 */

/** Deletes up to `limit` rows last sent before `cutoff`. */
export async function purgeSilentPushLog(d1: D1Database, cutoff: number, limit: number): Promise<number> {
  const result = await d1
    .prepare(
      `DELETE FROM silent_push_log WHERE device_id IN (
         SELECT device_id FROM silent_push_log WHERE last_sent_at < ?1 LIMIT ?2)`,
    )
    .bind(cutoff, limit)
    .run();
  return result.meta.changes;
}
