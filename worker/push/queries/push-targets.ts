import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { devices } from "../../db/schema";
import type { PushTarget } from "../providers/provider";

/**
 * The devices among `deviceIds` that still hold a live push token, keyed by device id. None, a
 * removed token or one a provider called dead (pruned since targeting) means nothing to send.
 * The ids travel as one JSON parameter, so any number stays inside D1's 100 bound parameters.
 */
export async function loadPushTargets(
  db: Db,
  deviceIds: readonly string[],
): Promise<Map<string, PushTarget>> {
  const out = new Map<string, PushTarget>();
  if (deviceIds.length === 0) return out;
  const rows = await db
    .select({
      id: devices.id,
      provider: devices.pushProvider,
      token: devices.pushToken,
      platform: devices.platform,
      tokenUpdatedAt: devices.pushTokenUpdatedAt,
    })
    .from(devices)
    .where(
      and(
        sql`${devices.id} IN (SELECT value FROM json_each(${JSON.stringify(deviceIds)}))`,
        isNotNull(devices.pushToken),
        isNotNull(devices.pushProvider),
        isNull(devices.pushTokenInvalidAt),
      ),
    );
  for (const r of rows) {
    if (!r.provider || !r.token) continue;
    out.set(r.id, {
      deviceId: r.id,
      provider: r.provider,
      token: r.token,
      platform: r.platform,
      tokenUpdatedAt: r.tokenUpdatedAt,
    });
  }
  return out;
}

/**
 * Marks a token the provider called dead, so targeting skips the device until the app registers
 * a new one. Only if the device still holds that very token: a token re-registered meanwhile is
 * a fresh one and stays.
 */
export async function pruneDeadToken(
  db: Db,
  target: Pick<PushTarget, "deviceId" | "token">,
  now = Date.now(),
): Promise<boolean> {
  const rows = await db
    .update(devices)
    .set({ pushTokenInvalidAt: now })
    .where(
      and(
        eq(devices.id, target.deviceId),
        eq(devices.pushToken, target.token),
        isNull(devices.pushTokenInvalidAt),
      ),
    )
    .returning({ id: devices.id });
  return rows.length > 0;
}
