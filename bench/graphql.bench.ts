/**
 * GraphQL: the persisted `Home` operation (`POST /graphql`) against `GET /v1/screens/home` for the
 * same user, device profile and data, back to back in each round, so the machine's drifting load
 * hits both sides of the ratio alike. Goal: GraphQL at ≥ 0.7× the REST screen's throughput.
 *
 *   npm run bench -- graphql
 */
import { cpus, loadavg } from "node:os";
import { PERSISTED_IDS } from "../worker/graphql/persisted.generated";
import type { BenchHarness, BenchReport, LoadResult } from "./harness";
import { fmt, median } from "./ratio-rounds";
import { FAST_3X, seedHomeRecords } from "./screens.bench";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DURATION = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = 50;
const RECORDS = 60;
const GOAL = 0.7;

const FAST_3X_BR = { ...FAST_3X, "Accept-Encoding": "br" };

function check(result: LoadResult, what: string): void {
  const ok = result.statusCodes["200"] ?? 0;
  if (ok === 0 || ok !== result.total) {
    throw new Error(`${what}: ${result.errors} errors, statuses ${JSON.stringify(result.statusCodes)}`);
  }
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  const user = await h.signInAnonymous();
  const authorization = { Authorization: `Bearer ${user.accessToken}` };
  await seedHomeRecords(h, authorization, "bench-graphql", RECORDS);

  const headers = { ...authorization, ...FAST_3X_BR };
  const body = JSON.stringify({
    operationName: "Home",
    extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_IDS.Home } },
  });
  const graphqlHeaders = { ...headers, "Content-Type": "application/json", Accept: "application/json" };

  // The two must answer the same screen before their speed means anything.
  const rest = (await (await fetch(`${h.url}/v1/screens/home`, { headers })).json()) as { recent: unknown[] };
  const gql = (await (
    await fetch(`${h.url}/graphql`, { method: "POST", headers: graphqlHeaders, body })
  ).json()) as { data?: { home: { recent: unknown[] } } };
  if (gql.data?.home.recent.length !== rest.recent.length) {
    throw new Error(
      `GraphQL home has ${gql.data?.home.recent.length} recent records, REST ${rest.recent.length}`,
    );
  }

  const restRuns: LoadResult[] = [];
  const gqlRuns: LoadResult[] = [];
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const screen = await h.load({
      path: "/v1/screens/home",
      headers,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
    });
    check(screen, "GET /v1/screens/home");
    const graphql = await h.load({
      path: "/graphql",
      method: "POST",
      body,
      headers: graphqlHeaders,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
    });
    check(graphql, "POST /graphql (Home)");
    restRuns.push(screen);
    gqlRuns.push(graphql);
    ratios.push(graphql.rps / screen.rps);
    h.log(`round ${round}: REST home ${fmt(screen.rps)} rps, GraphQL Home ${fmt(graphql.rps)} rps`);
  }

  const ratio = median(ratios);
  const latency = (rs: LoadResult[]) =>
    `p50 ${median(rs.map((r) => r.p50))} ms / p99 ${median(rs.map((r) => r.p99))} ms`;
  const bytes = (rs: LoadResult[]) => `${fmt(median(rs.map((r) => r.bytesPerRequest)))} B/response`;
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  return {
    title:
      `GraphQL Home vs REST home (${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, ${RECORDS} records, ` +
      `fast 3× phone, br; ${cpus().length} CPUs, load average ${load} at the end)`,
    rows: [
      {
        name: "GET /v1/screens/home (baseline)",
        value: `${fmt(median(restRuns.map((r) => r.rps)))} rps`,
        ratio: "1",
        note: `${latency(restRuns)}; ${bytes(restRuns)}`,
      },
      {
        name: "POST /graphql, persisted Home",
        value: `${fmt(median(gqlRuns.map((r) => r.rps)))} rps`,
        ratio: `${ratio.toFixed(2)}×`,
        note: `${latency(gqlRuns)}; ${bytes(gqlRuns)}; goal ≥ ${GOAL}×: ${ratio >= GOAL ? "met" : "NOT met"}`,
      },
    ],
  };
}
