/**
 * Sync: does the cost of a pull follow the changes rather than the space's size; how many pushes
 * one space takes per second; how fast a full paginated initial sync goes; bytes per change.
 *
 *   npm run bench -- sync       (BENCH_SECONDS per load phase, default 5)
 *
 * Big spaces are seeded straight into D1 through Miniflare's handle with one recursive-CTE
 * INSERT per space: that bypasses the SyncSpace object, which is fine only here, before the
 * object of that space first runs (it then loads the version from D1 like after a restart).
 * Every change measured afterwards goes through the real push path.
 */
import type { BenchHarness, BenchReport, BenchRow, LoadResult, SignedInUser } from "./harness";
import { latencySummary, medianRun } from "./ratio-rounds";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHANGES = 100;

async function api(h: BenchHarness, user: SignedInUser, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${user.accessToken}`,
      "Content-Type": "application/json",
      "X-Device-Id": user.deviceId,
      "X-App-Version": "3.2.1",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A user whose personal space holds `records` tasks at versions 1..records. */
async function seededSpace(
  h: BenchHarness,
  records: number,
): Promise<{ user: SignedInUser; spaceId: string }> {
  const user = await h.signInAnonymous();
  await api(h, user, "GET", "/v1/spaces"); // creates the personal space row
  const spaceId = `p_${user.userId}`;
  const db = await h.mf.getD1Database("DB");
  const now = Date.now();
  await db.batch([
    db
      .prepare(
        `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
         INSERT INTO records (space_id, collection, key, version, deleted, value, updated_at)
         SELECT ?, 'tasks', 'seed-' || n, n, 0, json_object('title', 'Seeded task ' || n, 'done', json('false')), ? FROM seq`,
      )
      .bind(records, spaceId, now),
    db.prepare("UPDATE spaces SET version = ? WHERE id = ?").bind(records, spaceId),
  ]);
  return { user, spaceId };
}

/** 100 real changes through the push path: versions records+1 .. records+100. */
async function pushChanges(h: BenchHarness, user: SignedInUser, count: number): Promise<void> {
  const clientId = `bench-${crypto.randomUUID()}`;
  const mutations = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    collection: "tasks",
    key: `seed-${i * 7 + 3}`,
    op: "patch",
    value: { done: true, title: `Changed ${i}` },
  }));
  await api(h, user, "POST", "/v1/sync/me/push", { clientId, mutations });
}

/** `connections` clients each pushing one mutation per request, ids in order, for `seconds`. */
async function pushLoad(
  h: BenchHarness,
  user: SignedInUser,
  connections: number,
  perPush: number,
  seconds: number,
): Promise<{ pushes: number; rps: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const clientId = `load-${c}-${crypto.randomUUID()}`;
      let id = 0;
      while (Date.now() < end) {
        const mutations = Array.from({ length: perPush }, () => {
          id += 1;
          return {
            id,
            collection: "tasks",
            key: `c${c}-${id}`,
            op: "put",
            value: { title: `t${id}`, done: false },
          };
        });
        const t0 = performance.now();
        await api(h, user, "POST", "/v1/sync/me/push", { clientId, mutations });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencySummary(latencies, seconds);
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

export async function run(h: BenchHarness): Promise<BenchReport> {
  const rows: BenchRow[] = [];

  h.log("seeding a space of 1,000 and one of 100,000 records");
  const small = await seededSpace(h, 1_000);
  const big = await seededSpace(h, 100_000);
  await pushChanges(h, small.user, CHANGES);
  await pushChanges(h, big.user, CHANGES);

  const pullLoad = (space: { user: SignedInUser }, cursor: number, encoding: string) =>
    h.load({
      path: `/v1/sync/me/pull?cursor=${cursor}&limit=${CHANGES}`,
      headers: { Authorization: `Bearer ${space.user.accessToken}`, "Accept-Encoding": encoding },
      connections: 20,
      durationSeconds: SECONDS,
    });
  const hello = await h.load({ path: h.helloPath, connections: 20, durationSeconds: SECONDS });
  h.log(`pulling 100 changes from each space, ${ROUNDS} alternating rounds`);
  const smallRuns: LoadResult[] = [];
  const bigRuns: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    smallRuns.push(await pullLoad(small, 1_000, "identity"));
    bigRuns.push(await pullLoad(big, 100_000, "identity"));
  }
  const pullBigGzip = await pullLoad(big, 100_000, "gzip");
  for (const r of [...smallRuns, ...bigRuns, pullBigGzip])
    if (r.non2xx || r.errors) throw new Error(`pull load failed: ${JSON.stringify(r.statusCodes)}`);
  const pullSmall = medianRun(smallRuns);
  const pullBig = medianRun(bigRuns);
  rows.push(
    { name: "hello (yardstick)", value: `${fmt(hello.rps)} req/s`, note: `p50 ${hello.p50} ms` },
    {
      name: "pull 100 changes, 1,000-record space",
      value: `${fmt(pullSmall.rps)} req/s`,
      ratio: (pullSmall.rps / hello.rps).toFixed(2),
      note: `p50 ${pullSmall.p50} ms, p99 ${pullSmall.p99} ms`,
    },
    {
      name: "pull 100 changes, 100,000-record space",
      value: `${fmt(pullBig.rps)} req/s`,
      ratio: (pullBig.rps / hello.rps).toFixed(2),
      note: `p50 ${pullBig.p50} ms, p99 ${pullBig.p99} ms`,
    },
    {
      name: "cost ratio 100k / 1k (goal ≤ 1.2)",
      value: (pullSmall.rps / pullBig.rps).toFixed(2),
      note: `median requests/s of the small space ÷ the big one's, ${ROUNDS} alternating rounds`,
    },
    {
      name: "bytes per change on the wire (pull)",
      value: `${fmt(pullBig.bytesPerRequest / CHANGES, 1)} B identity, ${fmt(pullBigGzip.bytesPerRequest / CHANGES, 1)} B gzip`,
      note: "response incl. headers ÷ 100 changes",
    },
  );

  h.log("pushing into one space");
  const pusher = await h.signInAnonymous();
  const single = await pushLoad(h, pusher, 20, 1, SECONDS);
  const batched = await pushLoad(h, pusher, 20, 50, SECONDS);
  rows.push(
    {
      name: "pushes/s into one space (1 mutation each, 20 clients)",
      value: `${fmt(single.rps)} pushes/s`,
      ratio: (single.rps / hello.rps).toFixed(2),
      note: `p50 ${fmt(single.p50, 1)} ms, p99 ${fmt(single.p99, 1)} ms`,
    },
    {
      name: "pushes/s into one space (50 mutations each)",
      value: `${fmt(batched.rps)} pushes/s = ${fmt(batched.rps * 50)} changes/s`,
      note: `p50 ${fmt(batched.p50, 1)} ms, p99 ${fmt(batched.p99, 1)} ms`,
    },
  );
  const pushBytes = JSON.stringify(
    await api(h, pusher, "POST", "/v1/sync/me/push", {
      clientId: `bytes-${crypto.randomUUID()}`,
      mutations: [
        { id: 1, collection: "tasks", key: "b", op: "put", value: { title: "Buy milk", done: false } },
      ],
    }),
  ).length;
  rows.push({ name: "bytes per change (push response, 1 mutation)", value: `${pushBytes} B body` });

  h.log("full initial sync of 10,000 records");
  const initial = await seededSpace(h, 10_000);
  for (const limit of [1000, 500]) {
    const t0 = performance.now();
    let cursor = 0;
    let received = 0;
    let pages = 0;
    for (;;) {
      const page = (await api(
        h,
        initial.user,
        "GET",
        `/v1/sync/me/pull?cursor=${cursor}&limit=${limit}`,
      )) as {
        changes: unknown[];
        cursor: number;
        hasMore: boolean;
      };
      received += page.changes.length;
      pages += 1;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    if (received !== 10_000) throw new Error(`initial sync got ${received} records`);
    rows.push({
      name: `initial sync of 10,000 records (limit ${limit})`,
      value: `${fmt(received / seconds)} records/s`,
      note: `${pages} pages in ${fmt(seconds * 1000)} ms`,
    });
  }
  return { title: "Sync", rows };
}
