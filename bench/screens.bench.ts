/**
 * Screens and compression: for a home screen over 60 realistic records, the bytes on the wire for
 * a fast 3× phone accepting brotli, a Save-Data 2G phone accepting only gzip, and the raw
 * untailored JSON (every record, every field, no compression); and the throughput of
 * `GET /v1/screens/home` as a ratio to `GET /v1/me` (one D1 point read behind the same pipeline
 * and token check), measured back to back.
 *
 *   npm run bench -- screens
 */
import { request } from "node:http";
import { cpus, loadavg } from "node:os";
import { fixtureRecords } from "./compression-knee";
import type { BenchHarness, BenchReport, BenchRow, LoadResult } from "./harness";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DURATION = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = 50;
const RECORDS = 60;

export const FAST_3X = {
  DPR: "3",
  "Viewport-Width": "390",
  ECT: "4g",
  "X-App-Version": "3.2.1",
  "X-Platform": "ios",
};
const SAVE_DATA_2G = {
  DPR: "2",
  "Viewport-Width": "360",
  ECT: "2g",
  "Save-Data": "on",
  "X-App-Version": "3.2.1",
  "X-Platform": "android",
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

interface Raw {
  status: number;
  encoding: string | undefined;
  etag: string | undefined;
  body: Buffer;
}

/** The response body exactly as it came off the socket (node:http decodes nothing). */
function raw(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          encoding: res.headers["content-encoding"],
          etag: typeof res.headers.etag === "string" ? res.headers.etag : undefined,
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Every answer must be the expected status; timeouts on a saturated machine are only reported. */
function check(result: LoadResult, what: string, status = 200): void {
  const ok = result.statusCodes[String(status)] ?? 0;
  if (ok === 0 || ok !== result.total) {
    throw new Error(`${what}: ${result.errors} errors, statuses ${JSON.stringify(result.statusCodes)}`);
  }
}

/** Seeds `count` realistic records into the user's personal space through the public sync API, as the app would. */
export async function seedHomeRecords(
  h: BenchHarness,
  authorization: Record<string, string>,
  clientId: string,
  count: number,
): Promise<void> {
  const push = await fetch(`${h.url}/v1/sync/me/push`, {
    method: "POST",
    headers: { ...authorization, "Content-Type": "application/json" },
    body: JSON.stringify({
      clientId,
      mutations: fixtureRecords(count).map((r, i) => ({
        id: i + 1,
        op: "put",
        collection: r.collection,
        key: r.key,
        value: r.value,
      })),
    }),
  });
  if (push.status !== 200) throw new Error(`sync push: ${push.status} ${await push.text()}`);
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  const user = await h.signInAnonymous();
  const authorization = { Authorization: `Bearer ${user.accessToken}` };

  await seedHomeRecords(h, authorization, "bench-screens", RECORDS);

  // (c) The raw untailored screen: the same envelope, with every record and every field, uncompressed.
  const plainHome = await raw(`${h.url}/v1/screens/home`, {
    ...authorization,
    "Accept-Encoding": "identity",
  });
  const envelope = JSON.parse(plainHome.body.toString("utf8")) as Record<string, unknown>;
  const pull = (await (
    await fetch(`${h.url}/v1/sync/me/pull?clientId=bench-screens&cursor=0&limit=1000`, {
      headers: { ...authorization, "Accept-Encoding": "identity" },
    })
  ).json()) as {
    changes: { collection: string; key: string; version: number; value: Record<string, unknown> }[];
  };
  if (pull.changes.length !== RECORDS) throw new Error(`pull returned ${pull.changes.length} records`);
  const spaceId = `p_${user.userId}`;
  const untailored = JSON.stringify({
    ...envelope,
    recent: [...pull.changes]
      .reverse()
      .map((c) => ({ space: spaceId, collection: c.collection, key: c.key, version: c.version, ...c.value })),
  });
  const rawBytes = Buffer.byteLength(untailored);

  const fast = await raw(`${h.url}/v1/screens/home`, {
    ...authorization,
    ...FAST_3X,
    "Accept-Encoding": "br",
  });
  const slow = await raw(`${h.url}/v1/screens/home`, {
    ...authorization,
    ...SAVE_DATA_2G,
    "Accept-Encoding": "gzip",
  });
  const fastPlain = await raw(`${h.url}/v1/screens/home`, {
    ...authorization,
    ...FAST_3X,
    "Accept-Encoding": "identity",
  });
  const slowPlain = await raw(`${h.url}/v1/screens/home`, {
    ...authorization,
    ...SAVE_DATA_2G,
    "Accept-Encoding": "identity",
  });
  if (fast.encoding !== "br" || slow.encoding !== "gzip") {
    throw new Error(`unexpected encodings: fast ${fast.encoding}, slow ${slow.encoding}`);
  }

  // Throughput, back to back per round so the machine's drifting load hits both sides alike.
  const homeHeaders = { ...authorization, ...FAST_3X, "Accept-Encoding": "br" };
  const revalidate = { ...homeHeaders, "If-None-Match": fast.etag ?? "" };
  const me: LoadResult[] = [];
  const home: LoadResult[] = [];
  const notModified: LoadResult[] = [];
  const ratios: number[] = [];
  const ratios304: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const base = await h.load({
      path: "/v1/me",
      headers: authorization,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
    });
    check(base, "GET /v1/me");
    const screen = await h.load({
      path: "/v1/screens/home",
      headers: homeHeaders,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
    });
    check(screen, "GET /v1/screens/home");
    const cached = await h.load({
      path: "/v1/screens/home",
      headers: revalidate,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
    });
    check(cached, "GET /v1/screens/home (If-None-Match)", 304);
    me.push(base);
    home.push(screen);
    notModified.push(cached);
    ratios.push(screen.rps / base.rps);
    ratios304.push(cached.rps / base.rps);
    h.log(
      `round ${round}: /v1/me ${fmt(base.rps)} rps, home ${fmt(screen.rps)} rps, home 304 ${fmt(cached.rps)} rps`,
    );
  }

  const bytesRatio = slow.body.byteLength / rawBytes;
  const rpsRatio = median(ratios);
  const latency = (rs: LoadResult[]) =>
    `p50 ${median(rs.map((r) => r.p50))} ms / p99 ${median(rs.map((r) => r.p99))} ms`;
  const rows: BenchRow[] = [
    {
      name: `(c) raw untailored JSON, ${RECORDS} records`,
      value: `${fmt(rawBytes)} B`,
      ratio: "1",
      note: "every record and field, no compression",
    },
    {
      name: "(a) fast 3× phone, br",
      value: `${fmt(fast.body.byteLength)} B`,
      ratio: `${(fast.body.byteLength / rawBytes).toFixed(3)}`,
      note: `30 records; ${fmt(fastPlain.body.byteLength)} B before brotli q5`,
    },
    {
      name: "(b) Save-Data 2G phone, gzip",
      value: `${fmt(slow.body.byteLength)} B`,
      ratio: `${bytesRatio.toFixed(3)}`,
      note: `10 records; ${fmt(slowPlain.body.byteLength)} B before gzip 6; goal ≤ 0.25: ${bytesRatio <= 0.25 ? "met" : "NOT met"}`,
    },
    {
      name: "GET /v1/me (one D1 point read, baseline)",
      value: `${fmt(median(me.map((r) => r.rps)))} rps`,
      ratio: "1",
      note: latency(me),
    },
    {
      name: "GET /v1/screens/home (fast 3× phone, br)",
      value: `${fmt(median(home.map((r) => r.rps)))} rps`,
      ratio: `${rpsRatio.toFixed(2)}×`,
      note: `${latency(home)}; goal ≥ 0.5×: ${rpsRatio >= 0.5 ? "met" : "NOT met"}`,
    },
    {
      name: "GET /v1/screens/home revalidated (304)",
      value: `${fmt(median(notModified.map((r) => r.rps)))} rps`,
      ratio: `${median(ratios304).toFixed(2)}×`,
      note: latency(notModified),
    },
  ];
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  return {
    title:
      `Screens and compression (${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, autocannon, ` +
      `Miniflare API; ${cpus().length} CPUs, load average ${load} at the end)`,
    rows,
  };
}
