/**
 * The SDK (`@outpost/client`): what an initial sync costs on top of the raw protocol, how fast a
 * large queue rebases over a pull, and how big the SDK is.
 *
 *   npm run bench -- client      (BENCH_ROUNDS rounds, default 5; the median is reported)
 *
 * - Initial sync: 10,000 records pulled through the SDK into memoryStorage (JSON parsed, every
 *   record written to storage, the local view built) against the raw paginated pull of the same
 *   records in the same run (fetch + JSON.parse only). Ratio = raw time ÷ SDK time (goal ≥ 0.5,
 *   i.e. the SDK at most doubles the cost). Both use 1,000-record pages.
 * - Rebase: a store holding 10,000 pulled records and 1,000 pending mutations applies one
 *   100-change pull page (the changed records and the pending edits of those records recomputed).
 * - Size: the whole SDK bundled from source with esbuild, minified, gzip -9.
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { memoryStorage, Outpost } from "../client/src/index";
import { SpaceStore } from "../client/src/sync/store";
import type { BenchHarness, BenchReport } from "./harness";
import { median } from "./ratio-rounds";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RECORDS = 10_000;
const PAGE = 1_000;

async function seed(h: BenchHarness) {
  const user = await h.signInAnonymous();
  const headers = { Authorization: `Bearer ${user.accessToken}`, "X-Device-Id": user.deviceId };
  await fetch(`${h.url}/v1/spaces`, { headers }); // creates the personal space row
  const spaceId = `p_${user.userId}`;
  const db = await h.mf.getD1Database("DB");
  // Straight into D1 before the space's object first runs (as bench/sync.bench.ts does).
  await db.batch([
    db
      .prepare(
        `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
         INSERT INTO records (space_id, collection, key, version, deleted, value, updated_at)
         SELECT ?, 'tasks', printf('seed-%05d', n), n, 0, json_object('title', 'Seeded task ' || n, 'done', json('false')), ? FROM seq`,
      )
      .bind(RECORDS, spaceId, Date.now()),
    db.prepare("UPDATE spaces SET version = ? WHERE id = ?").bind(RECORDS, spaceId),
  ]);
  return { user, headers: { ...headers, "X-Platform": "ios", "X-App-Version": "3.2.1" } };
}

async function rawPull(url: string, headers: Record<string, string>): Promise<number> {
  let cursor = 0;
  let count = 0;
  for (;;) {
    const res = await fetch(`${url}/v1/sync/me/pull?clientId=raw&cursor=${cursor}&limit=${PAGE}`, {
      headers,
    });
    const page = (await res.json()) as { changes: unknown[]; cursor: number; hasMore: boolean };
    count += page.changes.length;
    cursor = page.cursor;
    if (!page.hasMore) return count;
  }
}

async function sdkPull(h: BenchHarness, user: Awaited<ReturnType<typeof seed>>["user"]): Promise<number> {
  const storage = memoryStorage();
  const session = {
    accessToken: user.accessToken,
    refreshToken: user.refreshToken,
    expiresAt: Date.now() + 600_000,
    user: { id: user.userId, anonymous: true },
  };
  await storage.setMany([["outpost:session", JSON.stringify(session)]]);
  const outpost = new Outpost({
    baseUrl: h.url,
    storage,
    platform: "ios",
    appVersion: "3.2.1",
    locale: "en",
    deviceId: user.deviceId,
    WebSocket: null,
    pullLimit: PAGE,
  });
  await outpost.ready;
  const space = outpost.sync.space("me");
  await space.flush();
  await outpost.close();
  return space.list("tasks").length;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function rebaseBench(): Promise<{ ms: number; reloadMs: number }> {
  const storage = memoryStorage();
  const initial = await SpaceStore.load(storage, "u", "s");
  const changes = Array.from({ length: RECORDS }, (_, i) => ({
    collection: "tasks",
    key: `k${i}`,
    version: i + 1,
    deleted: false,
    value: { title: `task ${i}`, done: false },
  }));
  await initial.applyPage({ changes, cursor: RECORDS, hasMore: false, lastMutationId: 0 });
  // 1,000 pending edits over 500 records, half of them among the records the pull changes.
  for (let i = 0; i < 1_000; i++)
    await initial.enqueue("patch", "tasks", `k${(i % 500) * 2}`, { done: i % 2 === 0 });
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const store = await SpaceStore.load(storage, "u", "s");
    const base = store.meta.cursor;
    const pulled = Array.from({ length: 100 }, (_, i) => ({
      collection: "tasks",
      key: `k${i * 7}`,
      version: base + i + 1,
      deleted: false,
      value: { title: `changed ${r}.${i}`, done: true },
    }));
    runs.push(
      await time(() =>
        store.applyPage({ changes: pulled, cursor: base + 100, hasMore: false, lastMutationId: 0 }),
      ),
    );
  }
  const reloadMs = await time(() => SpaceStore.load(storage, "u", "s"));
  return { ms: median(runs), reloadMs };
}

async function size(): Promise<{ raw: number; gzip: number }> {
  const out = await build({
    entryPoints: [new URL("../client/src/index.ts", import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    write: false,
  });
  const code = out.outputFiles[0]!.contents;
  return { raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  const { user, headers } = await seed(h);
  // Warm both paths once (JIT, the space's first reads), then alternate to share any drift.
  if ((await rawPull(h.url, headers)) !== RECORDS) throw new Error("raw pull did not return every record");
  if ((await sdkPull(h, user)) !== RECORDS) throw new Error("SDK did not sync every record");
  const raw: number[] = [];
  const sdk: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    raw.push(await time(() => rawPull(h.url, headers)));
    sdk.push(await time(() => sdkPull(h, user)));
    h.log(`round ${r + 1}: raw ${raw.at(-1)!.toFixed(0)} ms, SDK ${sdk.at(-1)!.toFixed(0)} ms`);
  }
  const rebase = await rebaseBench();
  const bytes = await size();
  const ratio = median(raw) / median(sdk);
  return {
    title: "Client SDK (@outpost/client)",
    rows: [
      {
        name: "raw paginated pull, 10,000 records",
        value: `${median(raw).toFixed(0)} ms`,
        note: "fetch + JSON.parse, 10 pages",
      },
      {
        name: "SDK initial sync into memoryStorage",
        value: `${median(sdk).toFixed(0)} ms`,
        ratio: ratio.toFixed(2),
        note: `raw ÷ SDK (goal ≥ 0.5) ${ratio >= 0.5 ? "met" : "MISSED"}`,
      },
      {
        name: "rebase: 1,000 pending over a 100-change pull",
        value: `${rebase.ms.toFixed(1)} ms`,
        note: "10,000 records held",
      },
      { name: "relaunch: load 10,000 records + 1,000 pending", value: `${rebase.reloadMs.toFixed(0)} ms` },
      {
        name: "SDK size, min + gzip",
        value: `${(bytes.gzip / 1024).toFixed(1)} KB`,
        note: `${(bytes.raw / 1024).toFixed(1)} KB minified; goal ≤ 15 KB ${bytes.gzip <= 15 * 1024 ? "met" : "MISSED"}`,
      },
    ],
  };
}
