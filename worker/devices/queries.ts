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

/** Two bound parameters per topic row; D1 allows 100 per statement. */
const TOPIC_ROWS_PER_INSERT = 40;

/**
 * Registers (or re-registers) a device for `userId`, all in one D1 batch (one transaction):
 * - the push token is taken away from any other device row that holds it (another install,
 *   or the same phone under another account): a token reaches exactly one user;
 * - the device row moves to `userId` if another user had it (same install, new account);
 * - the registration and the topic set are replaced (PUT semantics), and a registered token is
 *   marked fresh (`pushTokenUpdatedAt`) and no longer invalid.
 */
export async function upsertDevice(
  db: Db,
  userId: string,
  deviceId: string,
  reg: DeviceRegistration,
  now: number,
): Promise<DeviceRecord> {
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
        .where(and(eq(devices.pushToken, reg.pushToken), ne(devices.id, deviceId))),
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
    updatedAt: now,
  };
  const upsert = db
    .insert(devices)
    .values({ id: deviceId, createdAt: now, ...fields })
    .onConflictDoUpdate({ target: devices.id, set: fields })
    .returning();
  statements.push(upsert);
  statements.push(db.delete(deviceTopics).where(eq(deviceTopics.deviceId, deviceId)));
  for (let i = 0; i < reg.topics.length; i += TOPIC_ROWS_PER_INSERT) {
    const chunk = reg.topics.slice(i, i + TOPIC_ROWS_PER_INSERT);
    statements.push(db.insert(deviceTopics).values(chunk.map((topic) => ({ deviceId, topic }))));
  }
  const [first, ...rest] = statements;
  if (!first) throw new Error("unreachable: the upsert is always in the batch");
  const results = await db.batch([first, ...rest]);
  const upserted = results[statements.indexOf(upsert)] as DeviceRow[] | undefined;
  const row = upserted?.[0];
  if (!row) throw new Error("device upsert returned no row");
  return toRecord(row, [...reg.topics].sort());
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
