import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { silentPushLog } from "../../db/schema";

/** Two parameters per claimed row plus the cutoff, inside D1's 100 bound parameters. */
const CLAIM_CHUNK = 45;

/**
 * Takes each device's silent-push slot in one atomic upsert: the row is written only when there
 * is none or the last send is at or before `cutoff`, and RETURNING names exactly the devices
 * this call won — two concurrent commits never both push the same device.
 */
export async function claimSilentPushSlots(
  db: Db,
  deviceIds: readonly string[],
  now: number,
  cutoff: number,
): Promise<Set<string>> {
  const won = new Set<string>();
  for (let i = 0; i < deviceIds.length; i += CLAIM_CHUNK) {
    const rows = await db
      .insert(silentPushLog)
      .values(deviceIds.slice(i, i + CLAIM_CHUNK).map((deviceId) => ({ deviceId, lastSentAt: now })))
      .onConflictDoUpdate({
        target: silentPushLog.deviceId,
        set: { lastSentAt: sql`excluded.last_sent_at` },
        setWhere: sql`${silentPushLog.lastSentAt} <= ${cutoff}`,
      })
      .returning({ deviceId: silentPushLog.deviceId });
    for (const row of rows) won.add(row.deviceId);
  }
  return won;
}
