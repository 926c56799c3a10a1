/**
 * Writes: sync pushes per second, one mutation each, for one busy space (50 clients of one user
 * pushing into it at once) and for 50 spaces with one client each (50 users, each pushing into
 * their own space). Each client sends its next push as soon as the last one answered (closed
 * loop), so the figure is the throughput at 50 in flight and p50/p99 the latency under it.
 *
 *   npm run bench -- writes      (BENCH_SECONDS per phase, default 8; BENCH_ROUNDS, default 2)
 *
 * Both phases alternate for BENCH_ROUNDS rounds; the table shows the round with the median rate.
 */
import type { BenchHarness, BenchReport, SignedInUser } from "./harness";
import { latencySummary, medianRun } from "./ratio-rounds";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CLIENTS = 50;

interface Phase {
  pushes: number;
  rps: number;
  p50: number;
  p99: number;
}

/** One closed-loop client: pushes one put after another into `user`'s personal space. */
async function client(h: BenchHarness, user: SignedInUser, end: number, latencies: number[]): Promise<void> {
  const clientId = `w-${crypto.randomUUID()}`;
  for (let id = 1; Date.now() < end; id++) {
    const t0 = performance.now();
    const res = await fetch(`${h.url}/v1/sync/me/push`, {
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
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`push: ${res.status} ${text.slice(0, 200)}`);
    latencies.push(performance.now() - t0);
  }
}

async function phase(h: BenchHarness, users: SignedInUser[]): Promise<Phase> {
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) =>
      client(h, users[c % users.length] as SignedInUser, end, latencies),
    ),
  );
  return latencySummary(latencies, SECONDS);
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

export async function run(h: BenchHarness): Promise<BenchReport> {
  const owner = await h.signInAnonymous();
  const many = await Promise.all(Array.from({ length: CLIENTS }, () => h.signInAnonymous()));
  // Warm-up: every space's object exists and has loaded before anything is measured.
  await phase(h, [owner]).catch(() => undefined);
  await phase(h, many).catch(() => undefined);
  const single: Phase[] = [];
  const spread: Phase[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    h.log(`round ${round + 1}/${ROUNDS}: 1 space × ${CLIENTS} clients, then ${CLIENTS} spaces × 1 client`);
    single.push(await phase(h, [owner]));
    spread.push(await phase(h, many));
  }
  const row = (name: string, runs: Phase[]) => {
    const m = medianRun(runs);
    return {
      name,
      value: `${fmt(m.rps)} writes/s`,
      ratio: (m.p99 / m.p50).toFixed(1),
      note: `p50 ${fmt(m.p50, 1)} ms, p99 ${fmt(m.p99, 1)} ms (ratio = p99/p50); rounds: ${runs.map((r) => fmt(r.rps)).join(", ")}`,
    };
  };
  const hello = await h.load({ path: h.helloPath, connections: CLIENTS, durationSeconds: SECONDS });
  return {
    title: "Writes (sync push, 1 mutation each, 50 in flight)",
    rows: [
      row(`1 space × ${CLIENTS} clients`, single),
      row(`${CLIENTS} spaces × 1 client`, spread),
      {
        name: "hello (yardstick, 50 connections)",
        value: `${fmt(hello.rps)} req/s`,
        note: `p50 ${hello.p50} ms`,
      },
    ],
  };
}
