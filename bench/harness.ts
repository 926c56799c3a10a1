import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import type { Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import type { FakeProviders } from "../test/fakes";
import { bundle, ROOT, startWorker } from "../test/e2e/start-worker";

/** One row of a benchmark's table; `ratio` is against the baseline measured in the same run. */
export interface BenchRow {
  name: string;
  value: string;
  ratio?: string;
  note?: string;
}

/** What every `bench/*.bench.ts` module returns; `bench/run.ts` prints it and saves it as JSON. */
export interface BenchReport {
  title: string;
  rows: BenchRow[];
}

/** A whole `PUT /v1/devices/{id}` body: an iPhone on APNs (topics as given). */
export function deviceRegistration(topics: string[]) {
  return {
    platform: "ios",
    pushProvider: "apns",
    pushToken: "ab".repeat(32),
    appVersion: "3.2.1",
    locale: "de-CH",
    timezone: "Europe/Zurich",
    topics,
  };
}

export interface LoadOptions {
  /** Path (and query) to hit with GET, unless `requests` or `method` say otherwise. */
  path?: string;
  method?: string;
  body?: string;
  /** A sequence of requests each connection cycles through (autocannon's `requests`). */
  requests?: { method?: string; path: string; headers?: Record<string, string>; body?: string }[];
  /** Concurrent connections; default 50. */
  connections?: number;
  /** Measured duration; default 8 s. */
  durationSeconds?: number;
  /** Unmeasured load first, so JIT and caches settle; default 1 s. */
  warmupSeconds?: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Completed requests per second over the measured window. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses outside 2xx (a 304 counts here too: check it when you expect one). */
  non2xx: number;
  /** Response bytes (headers included) per request, as read off the socket. */
  bytesPerRequest: number;
  /** Completed requests in the measured window. */
  total: number;
  statusCodes: Record<string, number>;
}

export interface SignedInUser {
  accessToken: string;
  refreshToken: string;
  userId: string;
  deviceId: string;
}

export interface BenchHarness {
  /** Base URL of the built Outpost worker (Miniflare API, 127.0.0.1), no trailing slash. */
  url: string;
  mf: Miniflare;
  adminKey: string;
  fakes: FakeProviders;
  /**
   * Path served by a bare Hono app in the same Miniflare instance and through the same entry
   * worker as Outpost: the yardstick for ratios.
   */
  helloPath: string;
  signInAnonymous(deviceId?: string): Promise<SignedInUser>;
  load(options: LoadOptions): Promise<LoadResult>;
  /** Only with `harness = { latencyModel: true }`: where D1 round trips go from now on. */
  setLatencyModel(model: "local" | "primary" | "sessions"): Promise<void>;
  /** Progress output that does not end up in the report. */
  log(message: string): void;
}

export interface RunningHarness extends BenchHarness {
  stop(): Promise<void>;
}

/** How a benchmark wants its harness (a module may export `harness`). */
export interface HarnessOptions {
  /**
   * Start Outpost through `bench/worker/latency-worker.ts`: the same Worker with its D1 binding
   * wrapped by the latency model (`bench/worker/latency-d1.ts`), switched with `h.setLatencyModel`.
   */
  latencyModel?: boolean;
}

type CompatibilityConfig = { compatibility_date?: string; compatibility_flags: string[] };

/** Bundles `bench/baseline-worker.ts` the same way as Outpost (wrangler, same compatibility settings). */
function buildBaseline(config: CompatibilityConfig) {
  return buildEntry(config, "baseline", join(ROOT, "bench", "baseline-worker.ts"));
}

/** Bundles a bench entry module with Outpost's compatibility settings into `dist/<name>/`. */
async function buildEntry(config: CompatibilityConfig, name: string, main: string) {
  const dir = join(ROOT, "dist", name);
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, "wrangler.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      name: `outpost-${name}`,
      main,
      compatibility_date: config.compatibility_date,
      compatibility_flags: config.compatibility_flags,
    }),
  );
  return (await bundle({ config: configPath, outdir: dir })).path;
}

export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  // autocannon reads a present-but-undefined key as a value ("undefined HTTP method"): omit them.
  const base = {
    url: `${url}${options.path ?? "/"}`,
    connections: options.connections ?? 50,
    timeout: 10,
    ...(options.method !== undefined && { method: options.method }),
    ...(options.body !== undefined && { body: options.body }),
    ...(options.headers !== undefined && { headers: options.headers }),
    ...(options.requests !== undefined && { requests: options.requests }),
  };
  const warmup = options.warmupSeconds ?? 1;
  if (warmup > 0) await autocannon({ ...base, duration: warmup });
  const result = await autocannon({ ...base, duration: options.durationSeconds ?? 8 });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count;
  const total = result.requests.total;
  return {
    rps: total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    bytesPerRequest: total > 0 ? result.throughput.total / total : 0,
    total,
    statusCodes,
  };
}

/**
 * Starts the built worker (Miniflare API, migrations applied, fakes on port 0) next to the
 * baseline Hono app, and hands benchmarks the helpers they share.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<RunningHarness> {
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
  const baseline = await buildBaseline(config);
  const latency = options.latencyModel
    ? await buildEntry(config, "latency", join(ROOT, "bench", "worker", "latency-worker.ts"))
    : undefined;
  const worker = await startWorker({
    ...(latency !== undefined && { scriptPath: latency }),
    extraWorkers: [
      {
        name: "baseline",
        modules: true,
        scriptPath: baseline,
        compatibilityDate: config.compatibility_date,
        compatibilityFlags: config.compatibility_flags,
        routes: ["*/hello"],
      },
    ],
  });
  return {
    url: worker.url,
    mf: worker.mf,
    adminKey: worker.adminKey,
    fakes: worker.fakes,
    helloPath: "/hello",
    async signInAnonymous(deviceId = crypto.randomUUID()) {
      const res = await fetch(`${worker.url}/v1/auth/anonymous`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ deviceId }),
      });
      if (res.status !== 200) throw new Error(`anonymous sign-in failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { accessToken: string; refreshToken: string; user: { id: string } };
      return {
        accessToken: body.accessToken,
        refreshToken: body.refreshToken,
        userId: body.user.id,
        deviceId,
      };
    },
    load: (options) => load(worker.url, options),
    async setLatencyModel(model) {
      const res = await fetch(`${worker.url}/__bench/latency/${model}`, { method: "POST" });
      if (!res.ok) throw new Error(`latency model ${model}: ${res.status} (started with latencyModel?)`);
    },
    log: (message) => process.stderr.write(`  ${message}\n`),
    stop: () => worker.stop(),
  };
}
