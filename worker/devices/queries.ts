import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { deviceTopics, devices } from "../db/schema";

type DeviceRow = typeof devices.$inferSelect;

/** What `PUT /v1/devices/{id}` stores: the whole registration (PUT replaces). */
interface DeviceRegistration {
  platform: DeviceRow["platform"];
  pushProvider: DeviceRow["pushProvider"];
  pushToken: string | null;
  appVersion: string | null;
  appVersionKey: number | null;
  locale: string | null;
  timezone: string | null;
  topics: string[];
}

export interface DeviceRecord {
  id: string;
  platform: DeviceRow["platform"];
  pushProvider: DeviceRow["pushProvider"];
  pushToken: string | null;
  pushTokenUpdatedAt: number | null;
  pushTokenInvalidAt: number | null;
  appVersion: string | null;
  locale: string | null;
  timezone: string | null;
  topics: string[];
  createdAt: number;
  updatedAt: number;
}

function toRecord(row: DeviceRow, topics: string[]): DeviceRecord {
  return {
    id: row.id,
    platform: row.platform,
    pushProvider: row.pushProvider,
    pushToken: row.pushToken,
    pushTokenUpdatedAt: row.pushTokenUpdatedAt,
    pushTokenInvalidAt: row.pushTokenInvalidAt,
    appVersion: row.appVersion,
    locale: row.locale,
    timezone: row.timezone,
    topics,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Whether another user holds `deviceId` in a way `userId` may not take: linked (not signed out
 * on) and not presenting its push token. The contract's ownership rule (v1.1) as SQL, so every
 * statement of the registration batch can carry it and a refused PUT changes nothing.
 */
const heldElsewhere = (deviceId: string, userId: string, pushToken: string | null) =>
  sql`EXISTS (SELECT 1 FROM devices o WHERE o.id = ${deviceId} AND o.user_id <> ${userId}
    AND o.unlinked_at IS NULL AND COALESCE(o.push_token = ${pushToken}, 0) = 0)`;

/**
 * Registers (or re-registers) a device for `userId`, all in one D1 batch (one transaction), or
 * returns null (and changes nothing) when the id is another user's device (see heldElsewhere):
 * - the push token is taken away from any other device row that holds it (another install,
 *   or the same phone under another account): a token reaches exactly one user;
 * - the device row moves to `userId` only if its owner signed out on it or the caller presents
 *   the token it holds (the phone changed hands); it is linked again;
 * - the registration and the topic set are replaced (PUT semantics), and a registered token is
 *   marked fresh (`pushTokenUpdatedAt`) and no longer invalid.
 */
export async function upsertDevice(
  db: Db,
  userId: string,
  deviceId: string,
  reg: DeviceRegistration,
  now: number,
): Promise<DeviceRecord | null> {
  const refused = heldElsewhere(deviceId, userId, reg.pushToken);
  const statements: BatchItem<"sqlite">[] = [];
  if (reg.pushToken !== null) {
    statements.push(
      db
        .update(devices)
        .set({
          pushToken: null,
          pushProvider: null,
          pushTokenUpdatedAt: now,
          pushTokenInvalidAt: null,
          updatedAt: now,
        })
        .where(and(eq(devices.pushToken, reg.pushToken), ne(devices.id, deviceId), sql`NOT ${refused}`)),
    );
  }
  const fields = {
    userId,
    platform: reg.platform,
    pushProvider: reg.pushProvider,
    pushToken: reg.pushToken,
    pushTokenUpdatedAt: reg.pushToken === null ? null : now,
    pushTokenInvalidAt: null,
    appVersion: reg.appVersion,
    appVersionKey: reg.appVersionKey,
    locale: reg.locale,
    timezone: reg.timezone,
    unlinkedAt: null,
    updatedAt: now,
  };
  const upsert = db
    .insert(devices)
    .values({ id: deviceId, createdAt: now, ...fields })
    .onConflictDoUpdate({
      target: devices.id,
      set: fields,
      // The stored row's values: the row is the caller's, signed out on, or its token is presented.
      setWhere: sql`${devices.userId} = ${userId} OR ${devices.unlinkedAt} IS NOT NULL
        OR COALESCE(${devices.pushToken} = ${reg.pushToken}, 0) = 1`,
    })
    .returning();
  statements.push(upsert);
  // Topics follow only if the row is now the caller's (it is not when the upsert was refused).
  const owned = sql`EXISTS (SELECT 1 FROM devices WHERE id = ${deviceId} AND user_id = ${userId})`;
  statements.push(db.delete(deviceTopics).where(and(eq(deviceTopics.deviceId, deviceId), owned)));
  if (reg.topics.length > 0) {
    // One JSON parameter for any number of topics (D1 allows 100 bound parameters per statement).
    const topics = db
      .select({ deviceId: sql<string>`${deviceId}`.as("device_id"), topic: sql<string>`value`.as("topic") })
      .from(sql`json_each(${JSON.stringify(reg.topics)})`)
      .where(owned);
    statements.push(db.insert(deviceTopics).select(topics));
  }
  const [first, ...rest] = statements;
  if (!first) throw new Error("unreachable: the upsert is always in the batch");
  const results = await db.batch([first, ...rest]);
  const upserted = results[statements.indexOf(upsert)] as DeviceRow[] | undefined;
  const row = upserted?.[0];
  return row ? toRecord(row, [...reg.topics].sort()) : null;
}

/** The user's devices with their topics, oldest registration first: one D1 round trip. */
export async function listDevices(db: Db, userId: string): Promise<DeviceRecord[]> {
  const rows = await db
    .select({
      device: devices,
      topics: sql<string>`(SELECT json_group_array(${deviceTopics.topic}) FROM ${deviceTopics} WHERE ${deviceTopics.deviceId} = ${devices.id})`,
    })
    .from(devices)
    .where(eq(devices.userId, userId))
    .orderBy(asc(devices.createdAt), asc(devices.id));
  return rows.map((row) => toRecord(row.device, (JSON.parse(row.topics) as string[]).sort()));
}

/** Deletes the user's device and its topics. False when no such device belongs to the user. */
export async function deleteDevice(db: Db, userId: string, deviceId: string): Promise<boolean> {
  const owned = and(eq(devices.id, deviceId), eq(devices.userId, userId));
  // Topics go explicitly (not only by the FK cascade), and only if the device is the caller's.
  const [, deleted] = await db.batch([
    db
      .delete(deviceTopics)
      .where(and(eq(deviceTopics.deviceId, deviceId), sql`EXISTS (SELECT 1 FROM ${devices} WHERE ${owned})`)),
    db.delete(devices).where(owned).returning({ id: devices.id }),
  ]);
  return deleted.length > 0;
}

/** Devices per platform, for the metrics scrape. */
export async function countDevicesByPlatform(
  db: Db,
): Promise<{ platform: DeviceRow["platform"]; count: number }[]> {
  const rows = await db
    .select({ platform: devices.platform, count: sql<number>`count(*)` })
    .from(devices)
    .groupBy(devices.platform);
  return rows.map((r) => ({ platform: r.platform, count: Number(r.count) }));
}

/**
 * Whether `deviceId` is a device row of `userId`. Callers ignore a device id that is not the
 * caller's wherever it would matter (live sockets, the origin of a change): contract v1.1.
 */
export async function isDeviceOfUser(db: Db, userId: string, deviceId: string): Promise<boolean> {
  const row = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.userId, userId)))
    .get();
  return row !== undefined;
}
