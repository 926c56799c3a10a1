import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { devices } from "../../db/schema";
import type { PushTarget } from "../providers/provider";

/** A push target with what the send-time ownership check reads (push/ownership.ts). */
export interface OwnedPushTarget extends PushTarget {
  userId: string;
  /** Set while the owner is signed out on the device. */
  unlinkedAt: number | null;
}

/**
 * The devices among `deviceIds` that still hold a live push token, keyed by device id. None, a
 * removed token or one a provider called dead (pruned since targeting) means nothing to send.
 * With `memberOf`, only devices whose current owner is a member of that sync space (a device
 * handed to a non-member since is left out). The ids travel as one JSON parameter, so any number
 * stays inside D1's 100 bound parameters.
 */
export async function loadPushTargets(
  db: Db,
  deviceIds: readonly string[],
  scope: { memberOf?: string } = {},
): Promise<Map<string, OwnedPushTarget>> {
  const out = new Map<string, OwnedPushTarget>();
  if (deviceIds.length === 0) return out;
  const rows = await db
    .select({
      id: devices.id,
      userId: devices.userId,
      unlinkedAt: devices.unlinkedAt,
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
        scope.memberOf === undefined
          ? undefined
          : sql`EXISTS (SELECT 1 FROM space_members m WHERE m.space_id = ${scope.memberOf}
              AND m.user_id = ${devices.userId})`,
      ),
    );
  for (const r of rows) {
    if (!r.provider || !r.token) continue;
    out.set(r.id, {
      deviceId: r.id,
      userId: r.userId,
      unlinkedAt: r.unlinkedAt,
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
