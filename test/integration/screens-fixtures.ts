import { env } from "cloudflare:workers";
import { anonymousUser, call, type SignedIn } from "../setup/http";

/**
 * Seeds sync data for home-screen tests straight into D1, the way the SyncSpace Durable Object
 * stores it (personal space `p_<userId>`, one row per record, tombstones with a null value).
 */
export interface SeedRecord {
  collection: string;
  key?: string;
  value: Record<string, unknown> | null;
  updatedAt?: number;
  space?: string;
}

export async function ensureSpace(
  spaceId: string,
  ownerId: string,
  name: string,
  kind: "personal" | "shared",
  role: "owner" | "editor" | "viewer" = "owner",
  memberId: string = ownerId,
): Promise<void> {
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT OR IGNORE INTO spaces (id, name, kind, owner_id, version, purge_horizon, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, ?, ?)",
    ).bind(spaceId, name, kind, ownerId, now, now),
    env.DB.prepare(
      "INSERT OR REPLACE INTO space_members (space_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
    ).bind(spaceId, memberId, role, now),
  ]);
}

let clock = Date.now();

/** Writes records (newest last unless `updatedAt` says otherwise) and bumps the space version. */
export async function seedRecords(spaceId: string, rows: SeedRecord[]): Promise<string[]> {
  const keys: string[] = [];
  const statements = [];
  const top = await env.DB.prepare("SELECT version FROM spaces WHERE id = ?")
    .bind(spaceId)
    .first<{ version: number }>();
  let version = top?.version ?? 0;
  for (const row of rows) {
    version += 1;
    clock += 1;
    const key = row.key ?? crypto.randomUUID();
    keys.push(key);
    statements.push(
      env.DB.prepare(
        "INSERT OR REPLACE INTO records (space_id, collection, key, version, deleted, value, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).bind(
        row.space ?? spaceId,
        row.collection,
        key,
        version,
        row.value === null ? 1 : 0,
        row.value === null ? null : JSON.stringify(row.value),
        row.updatedAt ?? clock,
      ),
    );
  }
  statements.push(env.DB.prepare("UPDATE spaces SET version = ? WHERE id = ?").bind(version, spaceId));
  await env.DB.batch(statements);
  return keys;
}

/** A fresh anonymous user with a personal space holding `n` tasks (titles "task 0".."task n-1"). */
export async function userWithTasks(
  n: number,
  extra: (i: number) => Record<string, unknown> = () => ({}),
): Promise<SignedIn & { spaceId: string; keys: string[] }> {
  const user = await anonymousUser();
  const spaceId = `p_${user.userId}`;
  await ensureSpace(spaceId, user.userId, "Personal", "personal");
  const keys = await seedRecords(
    spaceId,
    Array.from({ length: n }, (_, i) => ({
      collection: "tasks",
      value: { title: `task ${i}`, done: false, ...extra(i) },
    })),
  );
  return { ...user, spaceId, keys };
}

/** Puts `n` unread entries in the user's inbox (each needs a campaign row). */
export async function seedUnread(userId: string, n: number, read = 0): Promise<void> {
  const now = Date.now();
  const statements = [];
  for (let i = 0; i < n + read; i++) {
    const campaignId = crypto.randomUUID();
    statements.push(
      env.DB.prepare(
        "INSERT INTO push_campaigns (id, request_hash, status, created_status, title, body, data, silent, priority, target, created_at) VALUES (?, 'h', 'sent', 'sending', 't', 'b', '{}', 0, 'normal', '{}', ?)",
      ).bind(campaignId, now),
      env.DB.prepare(
        "INSERT INTO push_inbox (id, user_id, campaign_id, created_at, read_at) VALUES (?, ?, ?, ?, ?)",
      ).bind(crypto.randomUUID(), userId, campaignId, now, i < n ? null : now),
    );
  }
  await env.DB.batch(statements);
}

export function home(token: string, headers: Record<string, string> = {}, query = ""): Promise<Response> {
  return call(`/v1/screens/home${query}`, { token, headers });
}
