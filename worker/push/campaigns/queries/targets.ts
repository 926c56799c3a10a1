import { and, asc, gt, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { devices } from "../../../db/schema";
import { normalizeLocale } from "../../../lib/locale";
import { parseRange, satisfies } from "../../../lib/semver";
import type { CampaignTarget } from "../schema";
import { appVersionKeyBounds } from "../targeting";

interface TargetedDevice {
  id: string;
  userId: string;
  pushToken: string;
  timezone: string | null;
}

const jsonList = (values: readonly string[]) => JSON.stringify(values);

/**
 * The SQL filter for a target. List criteria travel as one JSON parameter each
 * (`IN (SELECT value FROM json_each(?))`), so no statement ever nears D1's 100 bound
 * parameters however long the lists are, and no user input is spliced into SQL text.
 */
function targetWhere(target: CampaignTarget, options: TargetOptions): SQL {
  const conditions: (SQL | undefined)[] = [
    isNotNull(devices.pushToken),
    isNotNull(devices.pushProvider),
    isNull(devices.pushTokenInvalidAt),
    // Signed out on: no pushes for its owner until they sign in on it again.
    isNull(devices.unlinkedAt),
  ];
  if (target.userIds)
    conditions.push(sql`${devices.userId} IN (SELECT value FROM json_each(${jsonList(target.userIds)}))`);
  if (target.deviceIds)
    conditions.push(sql`${devices.id} IN (SELECT value FROM json_each(${jsonList(target.deviceIds)}))`);
  if (target.platforms)
    conditions.push(sql`${devices.platform} IN (SELECT value FROM json_each(${jsonList(target.platforms)}))`);
  if (target.topics)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM device_topics dt WHERE dt.device_id = ${devices.id}
        AND dt.topic IN (SELECT value FROM json_each(${jsonList(target.topics)})))`,
    );
  if (target.locales) {
    // lib/locale.ts's rule in SQL: both sides normalised, equal or a more specific tag.
    const wanted = jsonList(target.locales.map(normalizeLocale));
    const norm = sql`lower(replace(${devices.locale}, '_', '-'))`;
    conditions.push(
      sql`EXISTS (SELECT 1 FROM json_each(${wanted}) l
        WHERE ${norm} = l.value OR substr(${norm}, 1, length(l.value) + 1) = l.value || '-')`,
    );
  }
  if (target.entitlements) {
    // The entitlement's products (ENTITLEMENTS), held through a purchase that grants access now:
    // the same rule as worker/entitlements/derive.ts isActive, in SQL.
    const products = jsonList(options.entitlementProducts ?? []);
    conditions.push(
      sql`EXISTS (SELECT 1 FROM purchases p WHERE p.user_id = ${devices.userId}
        AND p.replaced_by IS NULL AND p.state IN ('active', 'grace_period')
        AND (p.expires_at IS NULL OR p.expires_at > ${options.now ?? Date.now()})
        AND p.product_id IN (SELECT value FROM json_each(${products})))`,
    );
  }
  if (target.appVersion) {
    const range = parseRange(target.appVersion);
    // Validation rejects invalid ranges; should one slip through, it matches nothing.
    if (!range) return sql`0`;
    const alternatives = appVersionKeyBounds(range).map(({ min, max }) => {
      const parts = [
        min === null ? undefined : sql`${devices.appVersionKey} >= ${min}`,
        max === null ? undefined : sql`${devices.appVersionKey} <= ${max}`,
      ].filter((p): p is SQL => p !== undefined);
      return parts.length ? sql.join(parts, sql` AND `) : sql`1`;
    });
    conditions.push(isNotNull(devices.appVersionKey));
    conditions.push(sql`(${sql.join(alternatives, sql` OR `)})`);
  }
  return and(...conditions) ?? sql`1`;
}

/** What the target's SQL needs from outside the target itself. */
export interface TargetOptions {
  /** The products granting the target's entitlements (from ENTITLEMENTS); none: nobody matches. */
  entitlementProducts?: readonly string[];
  /** When entitlements must be active (ms). */
  now?: number;
}

interface TargetPage {
  devices: TargetedDevice[];
  /** The last device id the SQL page read (even if filtered out in code), or null at the end. */
  next: string | null;
}

/** One keyset page of targeted devices, ordered by id, after `after`. */
export async function targetPage(
  db: Db,
  target: CampaignTarget,
  after: string | null,
  limit: number,
  options: TargetOptions = {},
): Promise<TargetPage> {
  const rows = await db
    .select({
      id: devices.id,
      userId: devices.userId,
      pushToken: devices.pushToken,
      timezone: devices.timezone,
      appVersion: devices.appVersion,
    })
    .from(devices)
    .where(and(targetWhere(target, options), after === null ? undefined : gt(devices.id, after)))
    .orderBy(asc(devices.id))
    .limit(limit);
  const range = target.appVersion;
  const kept = range ? rows.filter((r) => r.appVersion !== null && satisfies(r.appVersion, range)) : rows;
  const last = rows[rows.length - 1];
  return {
    devices: kept.map(({ id, userId, pushToken, timezone }) => ({
      id,
      userId,
      // Never null: targetWhere keeps only devices with a token.
      pushToken: pushToken ?? "",
      timezone,
    })),
    next: rows.length === limit && last ? last.id : null,
  };
}
