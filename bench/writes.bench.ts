/**
 * Writes: sync pushes per second, one mutation each, for one busy space (50 clients of one user
 * pushing into it at once) and for 50 spaces with one client each (50 users, each pushing into
 * their own space). Each client sends its next push as soon as the last one answered (closed
 * loop), so the figure is the throughput at 50 in flight and p50/p99 the latency under it.
 *
 *   npm run bench -- writes      (BENCH_SECONDS per phase, default 8; BENCH_ROUNDS, default 2)
 *
 * Before/after in one run: `BENCH_WRITES_BEFORE=<a built bundle's index.js>` (see
 * bench/build-rev.sh) starts that build next to this one, on the same machine, and every phase
 * runs on both, interleaved (the order flips each round, so drift in the shared machine's load
 * hits both alike). The table shows, per build, the round with the median rate, and the
 * after/before ratio of the medians.
 *
 * Where the time goes: each response's `Server-Timing` gives the Worker's own time (`total`) and,
 * where the build reports it, the object's D1 time (`do-d1`); their medians are in the notes.
 */
import type { BenchHarness, BenchReport, SignedInUser } from "./harness";
import { latencySummary, median, medianRun } from "./ratio-rounds";
import { startWorker, type StartedWorker } from "../test/e2e/start-worker";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BEFORE = process.env.BENCH_WRITES_BEFORE;
const CLIENTS = 50;

interface Phase {
  pushes: number;
  rps: number;
  p50: number;
  p99: number;
  /** Medians over the phase's responses, from Server-Timing (ms). */
  workerMs: number;
  objectD1Ms: number | null;
  /** Connections dropped (then retried), and the first error. */
  failures: number;
  failure: string | undefined;
}

/** One build under test: its URL and the users signed in there. */
interface Target {
  name: string;
  url: string;
  owner: SignedInUser;
  many: SignedInUser[];
}

const durOf = (timing: string, name: string): number | undefined => {
  const entry = timing.split(/,\s*/).find((e) => e.startsWith(`${name};`));
  const dur = entry && /;dur=([\d.]+)/.exec(entry)?.[1];
  return dur ? Number(dur) : undefined;
};

interface Samples {
  latencies: number[];
  worker: number[];
  objectD1: number[];
  failures: string[];
}

/** One closed-loop client: pushes one put after another into `user`'s personal space. */
async function client(url: string, user: SignedInUser, end: number, samples: Samples): Promise<void> {
  const clientId = `w-${crypto.randomUUID()}`;
  for (let id = 1; Date.now() < end; id++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/sync/me/push`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${user.accessToken}`,
        "Content-Type": "application/json",
        "X-Device-Id": user.deviceId,
      },
      body: JSON.stringify({
        clientId,
        mutations: [
          {
            id,
            collection: "tasks",
            key: `${clientId}-${id}`,
            op: "put",
            value: { title: `t${id}`, done: false },
          },
        ],
      }),
    }).catch((error: unknown) => {
      // A connection the runtime dropped under load: counted, and the same push is sent again
      // (a retry is safe: the server applies each mutation id once).
      samples.failures.push(String((error as { cause?: unknown }).cause ?? error));
      return null;
    });
    if (!res) {
      id--;
      continue;
    }
    const text = await res.text();
    if (res.status !== 200) throw new Error(`push: ${res.status} ${text.slice(0, 200)}`);
    samples.latencies.push(performance.now() - t0);
    const timing = res.headers.get("Server-Timing") ?? "";
    const total = durOf(timing, "total");
    if (total !== undefined) samples.worker.push(total);
    const objectD1 = durOf(timing, "do-d1");
    if (objectD1 !== undefined) samples.objectD1.push(objectD1);
  }
}

async function phase(url: string, users: SignedInUser[]): Promise<Phase> {
  const samples: Samples = { latencies: [], worker: [], objectD1: [], failures: [] };
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) =>
      client(url, users[c % users.length] as SignedInUser, end, samples),
    ),
  );
  return {
    ...latencySummary(samples.latencies, SECONDS),
    workerMs: median(samples.worker),
    objectD1Ms: samples.objectD1.length ? median(samples.objectD1) : null,
    failures: samples.failures.length,
    failure: samples.failures[0],
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

async function signIn(url: string, deviceId = crypto.randomUUID()): Promise<SignedInUser> {
  const res = await fetch(`${url}/v1/auth/anonymous`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ deviceId }),
  });
  if (res.status !== 200) throw new Error(`anonymous sign-in failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { accessToken: string; refreshToken: string; user: { id: string } };
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: body.user.id, deviceId };
}

async function target(name: string, url: string): Promise<Target> {
  const owner = await signIn(url);
  const many = await Promise.all(Array.from({ length: CLIENTS }, () => signIn(url)));
  // Warm-up: every space's object exists and has loaded before anything is measured.
  await phase(url, [owner]).catch(() => undefined);
  await phase(url, many).catch(() => undefined);
  return { name, url, owner, many };
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  let before: StartedWorker | undefined;
  try {
    if (BEFORE) before = await startWorker({ scriptPath: BEFORE, fakes: h.fakes });
    const targets = [await target("after", h.url)];
    if (before) targets.unshift(await target("before", before.url));
    const results = new Map(targets.map((t) => [t.name, { single: [] as Phase[], spread: [] as Phase[] }]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      h.log(`round ${round + 1}/${ROUNDS}: ${order.map((t) => t.name).join(" then ")}, each phase`);
      for (const kind of ["single", "spread"] as const) {
        for (const t of order) {
          const measured = await phase(t.url, kind === "single" ? [t.owner] : t.many);
          results.get(t.name)?.[kind].push(measured);
          const dropped = measured.failures ? `; ${measured.failures} dropped (${measured.failure})` : "";
          h.log(
            `  ${t.name} ${kind}: ${fmt(measured.rps)} writes/s, p50 ${fmt(measured.p50, 1)} ms${dropped}`,
          );
        }
      }
    }
    const rows = [];
    for (const kind of ["single", "spread"] as const) {
      const label = kind === "single" ? `1 space × ${CLIENTS} clients` : `${CLIENTS} spaces × 1 client`;
      const rates = new Map<string, number>();
      for (const t of targets) {
        const runs = results.get(t.name)?.[kind] ?? [];
        const m = medianRun(runs);
        rates.set(t.name, m.rps);
        const objectD1 = m.objectD1Ms === null ? "" : `, object's D1 ${fmt(m.objectD1Ms, 1)} ms`;
        rows.push({
          name: before ? `${label} (${t.name})` : label,
          value: `${fmt(m.rps)} writes/s`,
          ratio: (m.p99 / m.p50).toFixed(1),
          note:
            `p50 ${fmt(m.p50, 1)} ms, p99 ${fmt(m.p99, 1)} ms (ratio = p99/p50); Worker ${fmt(m.workerMs, 1)} ms` +
            `${objectD1} (medians); rounds: ${runs.map((r) => fmt(r.rps)).join(", ")}` +
            `; connections dropped and retried: ${runs.map((r) => r.failures).join(", ")}`,
        });
      }
      if (before) {
        const ratio = (rates.get("after") ?? 0) / (rates.get("before") ?? 1);
        // Each round measured both builds back to back: its ratio saw the same machine load.
        const afterRuns = results.get("after")?.[kind] ?? [];
        const perRound = (results.get("before")?.[kind] ?? []).map(
          (b, r) => (afterRuns[r]?.rps ?? 0) / b.rps,
        );
        rows.push({
          name: `${label}: after / before`,
          value: `${ratio.toFixed(2)}×`,
          note: `per round ${perRound.map((x) => x.toFixed(2)).join(", ")}; median ${median(perRound).toFixed(2)}×`,
        });
      }
    }
    const hello = await h.load({ path: h.helloPath, connections: CLIENTS, durationSeconds: SECONDS });
    rows.push({
      name: "hello (yardstick, 50 connections)",
      value: `${fmt(hello.rps)} req/s`,
      note: `p50 ${hello.p50} ms`,
    });
    return { title: "Writes (sync push, 1 mutation each, 50 in flight)", rows };
  } finally {
    await before?.stop();
  }
}
