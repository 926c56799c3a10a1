/**
 * Round trips and a far phone's latency per hot route: the D1 round trips each request makes
 * (from its `Server-Timing`) and its median latency under the latency model
 * (`bench/worker/latency-d1.ts`): without sessions (every round trip to a primary 150 ms away)
 * and with sessions (reads to a replica 5 ms away while the client's bookmark is current).
 * Requests run one at a time, as one phone makes them, each sending the bookmark of the last.
 *
 *   npm run bench -- roundtrips
 */
import {
  deviceRegistration,
  type BenchHarness,
  type BenchReport,
  type BenchRow,
  type HarnessOptions,
} from "./harness";
import { median } from "./ratio-rounds";

export const harness: HarnessOptions = { latencyModel: true };

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
type Model = "local" | "primary" | "sessions";
const MODELS: Model[] = ["local", "primary", "sessions"];

interface Sample {
  ms: number;
  queries: number;
  roundTrips: number;
  /** The space object's own, for a sync push (`do-d1` in Server-Timing). */
  objectRoundTrips: number;
}

const D1_ENTRY = /(?:^|, )d1;desc="(\d+) quer(?:y|ies), (\d+) round trips?/;
const OBJECT_D1_ENTRY = /do-d1;desc="\d+ quer(?:y|ies), (\d+) round trips?/;

export async function run(h: BenchHarness): Promise<BenchReport> {
  const user = await h.signInAnonymous();
  let bookmark: string | null = null;
  let mutationId = 0;
  const clientId = `bench-${crypto.randomUUID()}`;

  async function send(method: string, path: string, body?: unknown): Promise<Sample> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${user.accessToken}`,
      "X-Device-Id": user.deviceId,
    };
    if (bookmark) headers["Outpost-Bookmark"] = bookmark;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const started = performance.now();
    const res = await fetch(`${h.url}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    await res.arrayBuffer();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status}`);
    bookmark = res.headers.get("Outpost-Bookmark") ?? bookmark;
    const timing = res.headers.get("Server-Timing") ?? "";
    const d1 = D1_ENTRY.exec(timing);
    const object = OBJECT_D1_ENTRY.exec(timing);
    return {
      ms,
      queries: Number(d1?.[1] ?? 0),
      roundTrips: Number(d1?.[2] ?? 0),
      objectRoundTrips: Number(object?.[1] ?? 0),
    };
  }

  const routes: { name: string; request: () => Promise<Sample> }[] = [
    { name: "`GET /v1/config` (warm cache)", request: () => send("GET", "/v1/config") },
    { name: "`GET /v1/me`", request: () => send("GET", "/v1/me") },
    { name: "`GET /v1/screens/home`", request: () => send("GET", "/v1/screens/home") },
    {
      name: "`GET /v1/sync/me/pull`",
      request: () => send("GET", `/v1/sync/me/pull?cursor=0&clientId=${clientId}`),
    },
    {
      name: "`POST /v1/sync/me/push` (1 mutation)",
      request: () =>
        send("POST", "/v1/sync/me/push", {
          clientId,
          mutations: [
            {
              id: ++mutationId,
              collection: "tasks",
              key: `t${mutationId % 5}`,
              op: "put",
              value: { title: "x", done: false },
            },
          ],
        }),
    },
    {
      name: "`PUT /v1/devices/{id}`",
      request: () => send("PUT", `/v1/devices/${user.deviceId}`, deviceRegistration(["news"])),
    },
  ];

  const rows: BenchRow[] = [];
  const figures: Record<string, Record<Model, Sample>> = {};
  for (const model of MODELS) {
    await h.setLatencyModel(model);
    for (const route of routes) {
      await route.request(); // warm: caches, the object, the isolate
      const samples: Sample[] = [];
      for (let i = 0; i < SAMPLES; i++) samples.push(await route.request());
      figures[route.name] ??= {} as Record<Model, Sample>;
      figures[route.name]![model] = {
        ms: median(samples.map((s) => s.ms)),
        queries: median(samples.map((s) => s.queries)),
        roundTrips: median(samples.map((s) => s.roundTrips)),
        objectRoundTrips: median(samples.map((s) => s.objectRoundTrips)),
      };
      h.log(`${model} ${route.name}: ${figures[route.name]![model].ms.toFixed(1)} ms`);
    }
  }
  await h.setLatencyModel("local");
  for (const route of routes) {
    const f = figures[route.name]!;
    const object = f.local.objectRoundTrips;
    rows.push({
      name: route.name,
      value:
        `${f.local.queries} ${f.local.queries === 1 ? "query" : "queries"}, ${f.local.roundTrips} ${f.local.roundTrips === 1 ? "round trip" : "round trips"} in the Worker` +
        (object ? ` + ${object} in the space's object (primary)` : ""),
      ratio: `far phone: ${f.primary.ms.toFixed(0)} ms without sessions → ${f.sessions.ms.toFixed(0)} ms with`,
      note: `local ${f.local.ms.toFixed(1)} ms`,
    });
  }
  return { title: "Round trips and a far phone's latency (median of sequential requests)", rows };
}
