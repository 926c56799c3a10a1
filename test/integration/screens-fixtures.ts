import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { anonymousUser, call, type SignedIn } from "../setup/http";

/** Home-screen test data, written through the public API the apps use (sync push, spaces). */
export interface SeedRecord {
  collection: string;
  key?: string;
  /** null deletes the record (a tombstone). */
  value: Record<string, unknown> | null;
}

/** Pushes puts (and deletes) to a space as one client; returns the keys. */
export async function seedRecords(token: string, spaceId: string, rows: SeedRecord[]): Promise<string[]> {
  // A fresh client per push: its mutation ids start at 1, whoever pushed before.
  const clientId = `seed-${crypto.randomUUID()}`;
  let id = 1;
  const keys: string[] = [];
  const mutations = rows.map((row) => {
    const key = row.key ?? crypto.randomUUID();
    keys.push(key);
    return row.value === null
      ? { id: id++, collection: row.collection, key, op: "delete" }
      : { id: id++, collection: row.collection, key, op: "put", value: row.value };
  });
  const res = await call(`/v1/sync/${spaceId}/push`, {
    method: "POST",
    token,
    json: { clientId, mutations },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = await res.json<{ results: { status: string }[] }>();
  expect(body.results.every((r) => r.status === "applied")).toBe(true);
  return keys;
}

/** A shared space owned by the caller. */
export async function sharedSpace(token: string, name: string): Promise<string> {
  const res = await call("/v1/spaces", { method: "POST", token, json: { name } });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

/** Lets the clock move, so records written one after another have distinct change times. */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

/** A fresh anonymous user whose personal space holds `n` tasks ("task 0".."task n-1", oldest first). */
export async function userWithTasks(
  n: number,
  extra: (i: number) => Record<string, unknown> = () => ({}),
): Promise<SignedIn & { spaceId: string; keys: string[] }> {
  const user = await anonymousUser();
  const spaceId = `p_${user.userId}`;
  const rows = Array.from({ length: n }, (_, i) => ({
    collection: "tasks",
    value: { title: `task ${i}`, done: false, ...extra(i) },
  }));
  // One push: the records get increasing versions, which orders them within the space.
  const keys = n === 0 ? [] : await seedRecords(user.accessToken, "me", rows);
  await tick();
  return { ...user, spaceId, keys };
}

/**
 * Puts `n` unread (and `read` read) entries in the user's inbox. Written to D1 directly: the
 * inbox is filled by the push pipeline, which these tests are not about.
 */
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
