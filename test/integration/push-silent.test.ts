import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../worker/db/client";
import { devices, silentPushLog, spaceMembers, spaces, users } from "../../worker/db/schema";
import { SILENT_PUSH_WINDOW_MS } from "../../worker/sync/background";
import { sendSilentSyncPushes } from "../../worker/sync/silent-push";
import { apnsToken, deliveries, fcmToken, script } from "./push-provider-control";

const db = getDb(env.DB);
afterEach(() => vi.restoreAllMocks());

interface Seed {
  platform: "ios" | "android";
  provider: "apns" | "fcm" | null;
  token: string | null;
  invalidAt?: number;
  tokenUpdatedAt?: number;
}

/**
 * Devices of a new user who is a member of `spaceIds`: silent pushes go only to devices whose
 * owner is a member of the space at send time.
 */
async function seedDevices(seeds: Seed[], spaceIds = ["s", "s1", "s2"]): Promise<string[]> {
  const userId = crypto.randomUUID();
  const now = Date.now();
  await db.insert(users).values({ id: userId, anonymous: true, createdAt: now, updatedAt: now });
  for (const id of spaceIds) {
    await db
      .insert(spaces)
      .values({ id, name: id, kind: "shared", ownerId: userId, createdAt: now, updatedAt: now })
      .onConflictDoNothing();
    await db.insert(spaceMembers).values({ spaceId: id, userId, role: "editor", createdAt: now });
  }
  const rows = seeds.map((s) => ({
    id: crypto.randomUUID(),
    userId,
    platform: s.platform,
    pushProvider: s.provider,
    pushToken: s.token,
    pushTokenUpdatedAt: s.tokenUpdatedAt ?? now - 86_400_000,
    pushTokenInvalidAt: s.invalidAt ?? null,
    createdAt: now,
    updatedAt: now,
  }));
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < rows.length; i += 10) await db.insert(devices).values(rows.slice(i, i + 10));
  return rows.map((r) => r.id);
}

/** As if the throttle window had passed for these devices. */
async function passThrottleWindow(ids: string[]): Promise<void> {
  const rows = await db.select().from(silentPushLog).where(inArray(silentPushLog.deviceId, ids));
  for (const row of rows) {
    await db
      .update(silentPushLog)
      .set({ lastSentAt: row.lastSentAt - SILENT_PUSH_WINDOW_MS - 1000 })
      .where(eq(silentPushLog.deviceId, row.deviceId));
  }
}

describe("sendSilentSyncPushes", () => {
  it("sends background pushes at priority 5 with no alert and the sync data, to every provider route", async () => {
    const ios = apnsToken();
    const android = fcmToken();
    const iosViaFcm = fcmToken();
    const spaceId = crypto.randomUUID();
    const ids = await seedDevices(
      [
        { platform: "ios", provider: "apns", token: ios },
        { platform: "android", provider: "fcm", token: android },
        { platform: "ios", provider: "fcm", token: iosViaFcm },
      ],
      [spaceId],
    );
    await sendSilentSyncPushes(env, ids, { spaceId, version: 7 });

    const [apns] = await deliveries("apns", ios);
    expect(apns?.headers).toMatchObject({
      "apns-push-type": "background",
      "apns-priority": "5",
      "apns-collapse-id": `sync-${spaceId}`,
    });
    expect(apns?.payload).toEqual({ aps: { "content-available": 1 }, type: "sync", spaceId, version: "7" });

    const [fcm] = await deliveries("fcm", android);
    const fcmMessage = fcm?.payload.message as Record<string, unknown>;
    expect(fcmMessage.notification).toBeUndefined();
    expect(fcmMessage.data).toEqual({ type: "sync", spaceId, version: "7" });
    expect(fcmMessage.android).toMatchObject({ priority: "NORMAL", collapse_key: `sync-${spaceId}` });

    const [viaFcm] = await deliveries("fcm", iosViaFcm);
    expect((viaFcm?.payload.message as { apns: unknown }).apns).toMatchObject({
      headers: { "apns-push-type": "background", "apns-priority": "5" },
      payload: { aps: { "content-available": 1 } },
    });
  });

  it("skips devices without a token, with a pruned token, or unknown", async () => {
    const pruned = apnsToken();
    const ids = await seedDevices([
      { platform: "ios", provider: null, token: null },
      { platform: "ios", provider: "apns", token: pruned, invalidAt: Date.now() - 1000 },
    ]);
    await sendSilentSyncPushes(env, [...ids, crypto.randomUUID()], { spaceId: "s", version: 1 });
    expect(await deliveries("apns", pruned)).toHaveLength(0);
    const logged = await db.select().from(silentPushLog).where(inArray(silentPushLog.deviceId, ids));
    expect(logged).toHaveLength(0);
  });

  it("sends at most one per device per 20 minutes", async () => {
    const token = apnsToken();
    const ids = await seedDevices([{ platform: "ios", provider: "apns", token }]);
    await sendSilentSyncPushes(env, ids, { spaceId: "s1", version: 1 });
    await sendSilentSyncPushes(env, ids, { spaceId: "s1", version: 2 });
    await sendSilentSyncPushes(env, ids, { spaceId: "s2", version: 3 });
    expect(await deliveries("apns", token)).toHaveLength(1);

    await passThrottleWindow(ids);
    await sendSilentSyncPushes(env, ids, { spaceId: "s1", version: 4 });
    const all = await deliveries("apns", token);
    expect(all).toHaveLength(2);
    expect(all[0]?.payload).toMatchObject({ version: "4" });
  });

  it("sends once when two commits notify the same device at the same time", async () => {
    const token = fcmToken();
    const ids = await seedDevices([{ platform: "android", provider: "fcm", token }]);
    await Promise.all([
      sendSilentSyncPushes(env, ids, { spaceId: "s", version: 1 }),
      sendSilentSyncPushes(env, ids, { spaceId: "s", version: 2 }),
      sendSilentSyncPushes(env, [...ids, ...ids], { spaceId: "s", version: 3 }),
    ]);
    expect(await deliveries("fcm", token)).toHaveLength(1);
  });

  it("prunes tokens the providers call dead and then skips those devices", async () => {
    const apnsDead = apnsToken();
    const fcmDead = fcmToken();
    const healthy = fcmToken();
    const registeredAt = Date.now() - 3_600_000;
    const ids = await seedDevices([
      { platform: "ios", provider: "apns", token: apnsDead, tokenUpdatedAt: registeredAt },
      { platform: "android", provider: "fcm", token: fcmDead },
      { platform: "android", provider: "fcm", token: healthy },
    ]);
    await script("apns", apnsDead, [{ status: 410, reason: "Unregistered", timestamp: Date.now() }]);
    await script("fcm", fcmDead, [{ status: 404, errorCode: "UNREGISTERED" }]);
    await sendSilentSyncPushes(env, ids, { spaceId: "s", version: 1 });

    const rows = await db.select().from(devices).where(inArray(devices.id, ids));
    const invalid = Object.fromEntries(rows.map((r) => [r.pushToken, r.pushTokenInvalidAt]));
    expect(invalid[apnsDead]).toEqual(expect.any(Number));
    expect(invalid[fcmDead]).toEqual(expect.any(Number));
    expect(invalid[healthy]).toBeNull();

    // The scripts are spent, so a send now would succeed: skipping is what keeps these at zero.
    await passThrottleWindow(ids);
    await sendSilentSyncPushes(env, ids, { spaceId: "s", version: 2 });
    expect(await deliveries("apns", apnsDead)).toHaveLength(0);
    expect(await deliveries("fcm", fcmDead)).toHaveLength(0);
    expect(await deliveries("fcm", healthy)).toHaveLength(2);
  });

  it("keeps at most 6 provider requests in flight, across more devices than one D1 statement binds", async () => {
    const tokens = Array.from({ length: 110 }, fcmToken);
    const ids = await seedDevices(tokens.map((token) => ({ platform: "android", provider: "fcm", token })));
    const original = globalThis.fetch;
    let inFlight = 0;
    let peak = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.includes("/messages:send")) return original(request);
      peak = Math.max(peak, ++inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return await original(request);
      } finally {
        inFlight--;
      }
    });
    await sendSilentSyncPushes(env, ids, { spaceId: "s", version: 1 });
    expect(peak).toBe(6);
    for (const token of [tokens[0], tokens[50], tokens[109]]) {
      expect(await deliveries("fcm", token ?? "")).toHaveLength(1);
    }
    const logged = await db
      .select()
      .from(silentPushLog)
      .where(inArray(silentPushLog.deviceId, ids.slice(0, 90)));
    expect(logged).toHaveLength(90);
  });
});
