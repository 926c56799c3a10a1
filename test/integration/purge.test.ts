import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { purgeExpired } from "../../worker/ops/purge/run";
import { adminHeaders, anonymousUser, call } from "../setup/http";
import { pull, pushOk } from "./sync-helpers";

const DAY = 86_400_000;
const db = env.DB;

async function insertUser(): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .prepare("INSERT INTO users (id, anonymous, created_at, updated_at) VALUES (?, 1, 0, 0)")
    .bind(id)
    .run();
  return id;
}

async function insertSession(
  userId: string,
  s: { expiresAt: number; revokedAt?: number; tokens?: { usedAt: number | null }[] },
): Promise<string> {
  const id = crypto.randomUUID();
  const statements = [
    db
      .prepare(
        `INSERT INTO sessions (id, user_id, refresh_generation, created_at, last_seen_at, expires_at, revoked_at)
         VALUES (?, ?, ?, 0, 0, ?, ?)`,
      )
      .bind(id, userId, s.tokens?.length ?? 0, s.expiresAt, s.revokedAt ?? null),
    ...(s.tokens ?? []).map((t, generation) =>
      db
        .prepare(
          "INSERT INTO refresh_tokens (hash, session_id, generation, created_at, used_at) VALUES (?, ?, ?, 0, ?)",
        )
        .bind(crypto.randomUUID(), id, generation, t.usedAt),
    ),
  ];
  await db.batch(statements);
  return id;
}

const ids = async (sql: string, ...params: unknown[]) =>
  (
    await db
      .prepare(sql)
      .bind(...params)
      .all<{ id: string }>()
  ).results
    .map((r) => r.id)
    .sort();
const count = async (sql: string, ...params: unknown[]) =>
  (
    await db
      .prepare(sql)
      .bind(...params)
      .first<{ n: number }>()
  )?.n ?? 0;

async function insertCampaign(
  c: { status: string; createdAt: number; completedAt?: number; cancelledAt?: number },
  states: string[],
): Promise<string> {
  const id = crypto.randomUUID();
  await db.batch([
    db
      .prepare(
        `INSERT INTO push_campaigns (id, request_hash, status, created_status, title, body, data, silent, priority, target, created_at, completed_at, cancelled_at)
         VALUES (?, 'h', ?, 'sending', 't', 'b', '{}', 0, 'normal', '{}', ?, ?, ?)`,
      )
      .bind(id, c.status, c.createdAt, c.completedAt ?? null, c.cancelledAt ?? null),
    ...states.map((state) =>
      db
        .prepare(
          `INSERT INTO push_deliveries (campaign_id, device_id, user_id, bucket, state, created_at, lease_until)
           VALUES (?, ?, 'u', '*', ?, ?, ?)`,
        )
        .bind(id, crypto.randomUUID(), state, c.createdAt, state === "leased" ? Date.now() + 60_000 : null),
    ),
  ]);
  return id;
}

const statesOf = async (campaignId: string) =>
  (
    await db
      .prepare("SELECT state FROM push_deliveries WHERE campaign_id = ? ORDER BY state")
      .bind(campaignId)
      .all<{ state: string }>()
  ).results.map((r) => r.state);

async function insertSilentLog(lastSentAt: number): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .prepare("INSERT INTO silent_push_log (device_id, last_sent_at) VALUES (?, ?)")
    .bind(id, lastSentAt)
    .run();
  return id;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the purge of expired data (Cron Trigger)", () => {
  it("removes sessions that ended over 30 days ago with their refresh tokens, and nothing else", async () => {
    const now = Date.now();
    const user = await insertUser();
    const expiredLong = await insertSession(user, {
      expiresAt: now - 31 * DAY,
      tokens: [{ usedAt: now - 90 * DAY }, { usedAt: null }],
    });
    const revokedLong = await insertSession(user, { expiresAt: now + 20 * DAY, revokedAt: now - 31 * DAY });
    const expiredRecent = await insertSession(user, {
      expiresAt: now - 10 * DAY,
      tokens: [{ usedAt: null }],
    });
    const revokedRecent = await insertSession(user, { expiresAt: now + 50 * DAY, revokedAt: now - 5 * DAY });
    // A live session keeps even its oldest spent tokens: they are how reuse is detected.
    const live = await insertSession(user, {
      expiresAt: now + 30 * DAY,
      tokens: [{ usedAt: now - 400 * DAY }, { usedAt: now - 100 * DAY }, { usedAt: null }],
    });

    const first = await purgeExpired(env, { now });
    expect(first.removed).toMatchObject({ sessions: 2, refresh_tokens: 2 });
    expect(await ids("SELECT id FROM sessions WHERE user_id = ?", user)).toEqual(
      [expiredRecent, revokedRecent, live].sort(),
    );
    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?", expiredLong)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?", live)).toBe(3);
    expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE id = ?", revokedLong)).toBe(0);

    const second = await purgeExpired(env, { now });
    expect(second.removed).toMatchObject({ sessions: 0, refresh_tokens: 0 });
    expect(second.complete).toBe(true);
  });

  it("keeps reuse detection working: a spent token of a live session still revokes it after a purge", async () => {
    const user = await anonymousUser();
    // Two rotations: the first token is two generations old, reuse whatever the grace window.
    let token = user.refreshToken;
    for (let i = 0; i < 2; i++) {
      const rotated = await call("/v1/auth/refresh", { method: "POST", json: { refreshToken: token } });
      expect(rotated.status).toBe(200);
      token = (await rotated.json<{ refreshToken: string }>()).refreshToken;
    }
    await purgeExpired(env, { now: Date.now() + 29 * DAY });
    const reused = await call("/v1/auth/refresh", {
      method: "POST",
      json: { refreshToken: user.refreshToken },
    });
    expect(reused.status).toBe(401);
    expect((await reused.json<{ code: string }>()).code).toBe("refresh_token_reused");
  });

  it("removes console sessions ended over 30 days ago and keeps live and recently ended ones", async () => {
    const now = Date.now();
    const consoleSession = async (expiresAt: number, revokedAt: number | null) => {
      const idHash = crypto.randomUUID();
      await db
        .prepare(
          `INSERT INTO console_sessions (id_hash, csrf_token, created_at, expires_at, revoked_at)
           VALUES (?, 'csrf', 0, ?, ?)`,
        )
        .bind(idHash, expiresAt, revokedAt)
        .run();
      return idHash;
    };
    const expiredLong = await consoleSession(now - 31 * DAY, null);
    const revokedLong = await consoleSession(now - 31 * DAY + 8 * 3_600_000, now - 31 * DAY);
    const expiredRecent = await consoleSession(now - 2 * DAY, null);
    const revokedRecent = await consoleSession(now + 3_600_000, now - 60_000);
    const live = await consoleSession(now + 3_600_000, null);
    const mine = [expiredLong, revokedLong, expiredRecent, revokedRecent, live];
    const left = async () =>
      (
        await db
          .prepare(
            `SELECT id_hash AS id FROM console_sessions WHERE id_hash IN (${mine.map(() => "?").join(",")})`,
          )
          .bind(...mine)
          .all<{ id: string }>()
      ).results
        .map((r) => r.id)
        .sort();

    const first = await purgeExpired(env, { now });
    expect(first.removed.console_sessions).toBeGreaterThanOrEqual(2);
    expect(await left()).toEqual([expiredRecent, revokedRecent, live].sort());
    const second = await purgeExpired(env, { now });
    expect(second.removed.console_sessions).toBe(0);
    expect(await left()).toEqual([expiredRecent, revokedRecent, live].sort());
  });

  it("removes settled ledger rows of campaigns that ended over 90 days ago, never pending or leased ones", async () => {
    const now = Date.now();
    const oldSent = await insertCampaign(
      { status: "sent", createdAt: now - 95 * DAY, completedAt: now - 91 * DAY },
      ["sent", "failed", "pruned", "withheld"],
    );
    const oldCancelled = await insertCampaign(
      { status: "cancelled", createdAt: now - 95 * DAY, cancelledAt: now - 91 * DAY },
      ["cancelled", "leased", "sent"],
    );
    const recent = await insertCampaign(
      { status: "sent", createdAt: now - 95 * DAY, completedAt: now - 10 * DAY },
      ["sent", "failed"],
    );
    const stillSending = await insertCampaign({ status: "sending", createdAt: now - 200 * DAY }, [
      "sent",
      "pending",
    ]);

    const first = await purgeExpired(env, { now });
    expect(first.removed.push_deliveries).toBe(6);
    expect(await statesOf(oldSent)).toEqual([]);
    expect(await statesOf(oldCancelled)).toEqual(["leased"]);
    expect(await statesOf(recent)).toEqual(["failed", "sent"]);
    expect(await statesOf(stillSending)).toEqual(["pending", "sent"]);
    // The campaigns themselves stay (the inbox points at them).
    expect(await count("SELECT COUNT(*) AS n FROM push_campaigns WHERE id = ?", oldSent)).toBe(1);

    expect((await purgeExpired(env, { now })).removed.push_deliveries).toBe(0);
  });

  it("removes silent-push log rows past the 20-minute throttle window", async () => {
    const now = Date.now();
    const old = [await insertSilentLog(now - 21 * 60_000), await insertSilentLog(now - 2 * 3_600_000)];
    const fresh = await insertSilentLog(now - 5 * 60_000);
    await purgeExpired(env, { now });
    const left = await ids(
      "SELECT device_id AS id FROM silent_push_log WHERE device_id IN (?, ?, ?)",
      ...old,
      fresh,
    );
    expect(left).toEqual([fresh]);
  });

  it("removes tombstones past the horizon and raises it: an older cursor gets 410, a newer one pulls on", async () => {
    const user = await anonymousUser();
    const me = { token: user.accessToken };
    const put = (id: number, key: string) => ({
      id,
      collection: "tasks",
      key,
      op: "put" as const,
      value: { title: key, done: false },
    });
    const del = (id: number, key: string) => ({ id, collection: "tasks", key, op: "delete" as const });
    await pushOk(me, "me", "c1", [put(1, "t1"), put(2, "t2"), put(3, "t3"), put(4, "t4")]);
    await pushOk(me, "me", "c1", [del(5, "t1"), del(6, "t2")]);
    const last = await pushOk(me, "me", "c1", [put(7, "t5"), del(8, "t3")]);
    const spaceId = `p_${user.userId}`;
    const versionOf = async (key: string) =>
      (
        await db
          .prepare("SELECT version AS n FROM records WHERE space_id = ? AND key = ?")
          .bind(spaceId, key)
          .first<{ n: number }>()
      )?.n ?? 0;
    const purgedTop = await versionOf("t2");
    const t3 = await versionOf("t3");
    const now = Date.now();
    await db
      .prepare("UPDATE records SET updated_at = ? WHERE space_id = ? AND key IN ('t1', 't2')")
      .bind(now - 31 * DAY, spaceId)
      .run();

    const first = await purgeExpired(env, { now });
    expect(first.removed.tombstones).toBe(2);
    const horizon = await count("SELECT purge_horizon AS n FROM spaces WHERE id = ?", spaceId);
    expect(horizon).toBe(purgedTop);

    const stale = await pull(me, "me", `cursor=${purgedTop - 1}`);
    expect(stale.status).toBe(410);
    expect((await stale.json<{ code: string }>()).code).toBe("resync_required");
    const current = await pull(me, "me", `cursor=${purgedTop}`);
    expect(current.status).toBe(200);
    const changes = (await current.json<{ changes: { key: string; deleted: boolean }[] }>()).changes;
    expect(changes.map((c) => c.key).sort()).toEqual(["t3", "t5"]);
    const full = await pull(me, "me", "cursor=0");
    const keys = (await full.json<{ changes: { key: string }[] }>()).changes.map((c) => c.key).sort();
    expect(keys).toEqual(["t3", "t4", "t5"]);
    expect(t3).toBe(last.version);

    const second = await purgeExpired(env, { now });
    expect(second.removed.tombstones).toBe(0);
    expect(await count("SELECT purge_horizon AS n FROM spaces WHERE id = ?", spaceId)).toBe(horizon);
  });

  it("goes in bounded batches: a run stops after its rounds and the next one goes on", async () => {
    const now = Date.now();
    await purgeExpired(env, { now }); // whatever earlier tests left expired
    for (let i = 0; i < 25; i++) await insertSilentLog(now - DAY);
    const user = await insertUser();
    const session = await insertSession(user, {
      expiresAt: now - 40 * DAY,
      tokens: Array.from({ length: 12 }, () => ({ usedAt: now - 41 * DAY })),
    });

    const options = { now, batchSize: 10, maxRounds: 2 };
    const first = await purgeExpired(env, options);
    expect(first.removed).toMatchObject({ silent_push_log: 20, refresh_tokens: 12, sessions: 1 });
    expect(first.complete).toBe(false);
    const second = await purgeExpired(env, options);
    expect(second.removed).toMatchObject({ silent_push_log: 5, refresh_tokens: 0, sessions: 0 });
    expect(second.complete).toBe(true);
    const third = await purgeExpired(env, options);
    expect(Object.values(third.removed).every((n) => n === 0)).toBe(true);
    expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE id = ?", session)).toBe(0);
  });

  it("purges a space's tombstones across batches, oldest first, the horizon following each batch", async () => {
    const user = await anonymousUser();
    const me = { token: user.accessToken };
    const keys = Array.from({ length: 25 }, (_, i) => `k${i}`);
    await pushOk(
      me,
      "me",
      "c1",
      keys.map((key, i) => ({
        id: i + 1,
        collection: "tasks",
        key,
        op: "put" as const,
        value: { title: key, done: false },
      })),
    );
    await pushOk(
      me,
      "me",
      "c1",
      keys.map((key, i) => ({ id: i + 26, collection: "tasks", key, op: "delete" as const })),
    );
    const spaceId = `p_${user.userId}`;
    const now = Date.now();
    await db
      .prepare("UPDATE records SET updated_at = ? WHERE space_id = ?")
      .bind(now - 40 * DAY, spaceId)
      .run();

    const first = await purgeExpired(env, { now, batchSize: 10, maxRounds: 1 });
    expect(first.removed.tombstones).toBe(10);
    const horizon = await count("SELECT purge_horizon AS n FROM spaces WHERE id = ?", spaceId);
    // Every tombstone at or below the horizon is gone; every one left is above it.
    expect(
      await count("SELECT COUNT(*) AS n FROM records WHERE space_id = ? AND version <= ?", spaceId, horizon),
    ).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM records WHERE space_id = ?", spaceId)).toBe(15);
    await purgeExpired(env, { now, batchSize: 10 });
    expect(await count("SELECT COUNT(*) AS n FROM records WHERE space_id = ?", spaceId)).toBe(0);
    expect(await count("SELECT purge_horizon AS n FROM spaces WHERE id = ?", spaceId)).toBe(50);
  });

  it("runs as the Worker's scheduled handler, with one log line and a metric of what it removed", async () => {
    const now = Date.now();
    const old = await insertSilentLog(now - DAY);
    const log = vi.spyOn(console, "log");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await count("SELECT COUNT(*) AS n FROM silent_push_log WHERE device_id = ?", old)).toBe(0);
    const line = log.mock.calls.map(([m]) => String(m)).find((m) => m.includes('"event":"purge"'));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ event: "purge", removed: { silent_push_log: 1 } });
    const metrics = await call("/v1/admin/metrics", { headers: adminHeaders(env.ADMIN_API_KEY) });
    expect(await metrics.text()).toContain('outpost_purged_rows_total{kind="silent_push_log"} 1');
  });
});
