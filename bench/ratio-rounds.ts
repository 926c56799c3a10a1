import type { BenchHarness, BenchRow, LoadOptions, LoadResult } from "./harness";

/** A route measured as a ratio to the bare hello route. */
export interface RatioRoute {
  name: string;
  options: LoadOptions;
}

export interface RatioRounds<R extends RatioRoute> {
  /** Every hello baseline, one per route per round. */
  hello: LoadResult[];
  /** Per route: its results and its ratio to the hello run just before each. */
  measured: Map<string, { route: R; results: LoadResult[]; ratios: number[] }>;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Of several runs of one load, the run with the median requests/s (single runs are noisy here). */
export function medianRun<T extends { rps: number }>(runs: readonly T[]): T {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  const mid = sorted[Math.floor(sorted.length / 2)];
  if (!mid) throw new Error("no runs");
  return mid;
}

/** A closed-loop load's figures from its request latencies (ms) over `seconds`. */
export function latencySummary(latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { pushes: sorted.length, rps: sorted.length / seconds, p50: pick(0.5), p99: pick(0.99) };
}

/**
 * Measures each route back to back with its own hello baseline, `rounds` times: each ratio is
 * against the hello run just before it, so drift in the machine's load (two shared cores) hits
 * both sides of the ratio alike. `check` refuses a run that measured a misconfiguration.
 */
export async function measureAgainstHello<R extends RatioRoute>(
  h: BenchHarness,
  routes: R[],
  options: {
    rounds: number;
    connections: number;
    seconds: number;
    check: (result: LoadResult, what: string, route?: R) => void;
  },
): Promise<RatioRounds<R>> {
  const hello: LoadResult[] = [];
  const measured: RatioRounds<R>["measured"] = new Map();
  const load = { connections: options.connections, durationSeconds: options.seconds };
  for (let round = 1; round <= options.rounds; round++) {
    for (const route of routes) {
      const base = await h.load({ path: h.helloPath, ...load });
      options.check(base, "hello");
      const result = await h.load({ ...route.options, ...load });
      options.check(result, route.name, route);
      hello.push(base);
      const entry = measured.get(route.name) ?? { route, results: [], ratios: [] };
      entry.results.push(result);
      entry.ratios.push(result.rps / base.rps);
      measured.set(route.name, entry);
      h.log(`round ${round}: hello ${fmt(base.rps)} rps, ${route.name} ${fmt(result.rps)} rps`);
    }
  }
  return { hello, measured };
}

/**
 * The report rows of a `measureAgainstHello` run: the hello baseline, then each route with its
 * median requests/s, median ratio and median p50/p99. `note` adds to a row's note (the baseline
 * gets no route).
 */
export function ratioRows<R extends RatioRoute>(
  { hello, measured }: RatioRounds<R>,
  note: (results: LoadResult[], route?: { name: string; ratio: number }) => string = () => "",
): BenchRow[] {
  const latency = (results: LoadResult[]) =>
    `p50 ${median(results.map((r) => r.p50))} ms / p99 ${median(results.map((r) => r.p99))} ms`;
  const rows: BenchRow[] = [
    {
      name: "bare Hono hello (baseline)",
      value: `${fmt(median(hello.map((r) => r.rps)))} rps`,
      ratio: "1",
      note: `${latency(hello)}${note(hello)}`,
    },
  ];
  for (const [name, { results, ratios }] of measured) {
    const ratio = median(ratios);
    rows.push({
      name,
      value: `${fmt(median(results.map((r) => r.rps)))} rps`,
      ratio: `${ratio.toFixed(2)}×`,
      note: `${latency(results)}${note(results, { name, ratio })}`,
    });
  }
  return rows;
}
