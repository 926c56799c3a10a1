/**
 * Foundation: what Outpost's pipeline (request id, log line, profile, version policy, ES256 access
 * token verification, session check) and its two hottest reads cost, as ratios to a bare Hono
 * hello route served by the same runtime in the same run; plus the deployable bundle size.
 *
 *   npm run bench -- foundation
 */
import { cpus, loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { bundle, ROOT } from "../test/e2e/start-worker";
import type { BenchHarness, BenchReport, LoadOptions, LoadResult } from "./harness";
import { measureAgainstHello, median, ratioRows } from "./ratio-rounds";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 50;

const DEVICE = { "X-Platform": "ios", "X-App-Version": "3.2.1", "Accept-Language": "de-CH, de;q=0.9" };

// A config the size of a real app's: a handful of flags with every kind of rule condition.
const DEMO_CONFIG = {
  platforms: {
    ios: { minVersion: "3.0.0", storeUrl: "https://apps.apple.com/app/id1" },
    android: { minVersion: "3.0.0", storeUrl: "https://play.google.com/store/apps/details?id=x" },
  },
  flags: {
    newOnboarding: {
      default: false,
      rules: [{ platforms: ["ios"], appVersion: ">=3.2.0", locales: ["de"], percent: 50, value: true }],
    },
    darkMode: { default: true },
    checkoutV2: { default: false, rules: [{ appVersion: ">=3.1.0 <4.0.0", value: true }] },
    searchBackend: { default: "classic", rules: [{ percent: 10, value: "vector" }] },
    maxUploadMb: { default: 10, rules: [{ platforms: ["android"], value: 25 }] },
  },
};

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function expectStatus(url: string, init: RequestInit, status: number, what: string): Promise<void> {
  const res = await fetch(url, init);
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  await res.body?.cancel();
}

/**
 * A run where most requests failed measures a misconfiguration (a 401 or 404 for everything):
 * stop. Fewer failures are findings: the figure is kept and the failures are shown next to it.
 */
function check(result: LoadResult, what: string): void {
  if (result.errors + result.non2xx > result.total * 0.5) {
    throw new Error(
      `${what}: ${result.errors} errors, ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodes)})`,
    );
  }
}

/** "" or e.g. "; ⚠ 10 × HTTP 500, 1 × connection errors over the rounds". */
function failures(results: LoadResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) {
    for (const [code, n] of Object.entries(r.statusCodes)) {
      if (!code.startsWith("2")) counts.set(`HTTP ${code}`, (counts.get(`HTTP ${code}`) ?? 0) + n);
    }
    if (r.errors > 0) counts.set("connection errors", (counts.get("connection errors") ?? 0) + r.errors);
  }
  if (counts.size === 0) return "";
  const total = results.reduce((sum, r) => sum + r.total, 0);
  const failed = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const verdict = failed > total * 0.01 ? " (over 1%: figure unreliable)" : "";
  return `; ⚠ ${[...counts].map(([what, n]) => `${n} × ${what}`).join(", ")} over the rounds${verdict}`;
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  await expectStatus(
    `${h.url}/v1/admin/config`,
    {
      method: "PUT",
      headers: { Authorization: `Bearer ${h.adminKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(DEMO_CONFIG),
    },
    200,
    "PUT /v1/admin/config",
  );
  const user = await h.signInAnonymous();
  const authed = { ...DEVICE, "X-Device-Id": user.deviceId, Authorization: `Bearer ${user.accessToken}` };
  await expectStatus(`${h.url}${h.helloPath}`, {}, 200, "baseline hello");
  await expectStatus(`${h.url}/v1/config`, { headers: authed }, 200, "GET /v1/config");
  await expectStatus(`${h.url}/v1/me`, { headers: authed }, 200, "GET /v1/me");
  await expectStatus(`${h.url}/.well-known/jwks.json`, {}, 200, "GET /.well-known/jwks.json");

  const routes: { name: string; options: LoadOptions }[] = [
    // The pipeline alone (request id, log line, profile, version policy, no token): separates the
    // cost of the middleware chain from that of verifying a token and reading config or D1.
    { name: "GET /.well-known/jwks.json (pipeline, no auth)", options: { path: "/.well-known/jwks.json" } },
    { name: "GET /v1/config (authenticated)", options: { path: "/v1/config", headers: authed } },
    { name: "GET /v1/me", options: { path: "/v1/me", headers: authed } },
  ];
  const rounds = await measureAgainstHello(h, routes, {
    rounds: ROUNDS,
    connections: CONNECTIONS,
    seconds: DURATION,
    check,
  });

  const rows = ratioRows(rounds, (results, route) => {
    if (!route) return failures(results);
    const goal = route.name.startsWith("GET /v1/config")
      ? `; goal ≥ 0.5×: ${route.ratio >= 0.5 ? "met" : "NOT met"}`
      : "";
    return `, ${Math.round(median(results.map((r) => r.bytesPerRequest)))} B/response${goal}${failures(results)}`;
  });

  h.log("bundling with --minify for the size figures");
  const built = await bundle({ outdir: join(ROOT, "dist", "minified"), minify: true });
  const raw = statSync(built.path).size;
  const gz = gzipSync(readFileSync(built.path), { level: 9 }).length;
  rows.push({
    name: "bundle (wrangler deploy --dry-run --minify)",
    value: `${kib(raw)} raw / ${kib(gz)} gzip`,
    note: built.sizeLine ? `wrangler: ${built.sizeLine.replace("Total Upload: ", "")}` : undefined,
  });

  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  return {
    title:
      `Foundation (${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, autocannon, Miniflare API; ` +
      `${cpus().length} CPUs, load average ${load} at the end)`,
    rows,
  };
}
