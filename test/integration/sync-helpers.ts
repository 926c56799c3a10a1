import { expect } from "vitest";
import type { Mutation, PullResponse, PushResponse, WireRecord } from "../../worker/sync/protocol";
import { call } from "../setup/http";

/** Helpers shared by the sync test files: the app's side of the protocol, over HTTP. */
export interface Caller {
  token: string;
  deviceId?: string;
  appVersion?: string;
}

function headers(who: Caller): Record<string, string> {
  const h: Record<string, string> = {};
  if (who.deviceId) h["X-Device-Id"] = who.deviceId;
  if (who.appVersion) h["X-App-Version"] = who.appVersion;
  return h;
}

export function push(
  who: Caller,
  spaceId: string,
  clientId: string,
  mutations: Mutation[],
): Promise<Response> {
  return call(`/v1/sync/${spaceId}/push`, {
    method: "POST",
    token: who.token,
    headers: headers(who),
    json: { clientId, mutations },
  });
}

export async function pushOk(
  who: Caller,
  spaceId: string,
  clientId: string,
  mutations: Mutation[],
): Promise<PushResponse> {
  const res = await push(who, spaceId, clientId, mutations);
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return JSON.parse(body) as PushResponse;
}

export function pull(who: Caller, spaceId: string, query: string): Promise<Response> {
  return call(`/v1/sync/${spaceId}/pull?${query}`, { token: who.token, headers: headers(who) });
}

export async function pullOk(who: Caller, spaceId: string, query: string): Promise<PullResponse> {
  const res = await pull(who, spaceId, query);
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return JSON.parse(body) as PullResponse;
}

/** Pulls every page from `cursor`, returning the pages (each checked for the paging contract). */
export async function pullAll(
  who: Caller,
  spaceId: string,
  opts: { cursor?: number; limit?: number; clientId?: string } = {},
): Promise<{ pages: PullResponse[]; changes: WireRecord[]; cursor: number }> {
  let cursor = opts.cursor ?? 0;
  const pages: PullResponse[] = [];
  for (;;) {
    const q = new URLSearchParams({ cursor: String(cursor) });
    if (opts.limit) q.set("limit", String(opts.limit));
    if (opts.clientId) q.set("clientId", opts.clientId);
    const page = await pullOk(who, spaceId, q.toString());
    pages.push(page);
    expect(page.cursor).toBeGreaterThanOrEqual(cursor);
    cursor = page.cursor;
    if (!page.hasMore) break;
    if (pages.length > 10_000) throw new Error("pull never ends");
  }
  return { pages, changes: pages.flatMap((p) => p.changes), cursor };
}

let seq = 0;
/** A fresh client id (one local database). */
export const newClientId = () => `c-${crypto.randomUUID()}-${++seq}`;

export const putTask = (id: number, key: string, value: Record<string, unknown>): Mutation => ({
  id,
  collection: "tasks",
  key,
  op: "put",
  value,
});

export const patch = (
  id: number,
  collection: string,
  key: string,
  value: Record<string, unknown>,
  baseVersion?: number,
): Mutation => ({
  id,
  collection,
  key,
  op: "patch",
  value,
  ...(baseVersion === undefined ? {} : { baseVersion }),
});

export async function createSpace(who: Caller, name = "Team"): Promise<string> {
  const res = await call("/v1/spaces", { method: "POST", token: who.token, json: { name } });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

export async function addMember(
  owner: Caller,
  spaceId: string,
  userId: string,
  role: "editor" | "viewer",
): Promise<void> {
  const res = await call(`/v1/spaces/${spaceId}/members`, {
    method: "POST",
    token: owner.token,
    json: { userId, role },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function problemCode(res: Response): Promise<string | undefined> {
  return (await res.json<{ code?: string }>()).code;
}

/** Polls `check` until it holds (8 s at most): for effects that happen off the response path. */
export async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 8_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
