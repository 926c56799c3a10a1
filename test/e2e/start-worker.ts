import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { Log, LogLevel, Miniflare, type WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { generateAdminKey, generateSigningKeySet } from "../../scripts/lib/dev-secrets";
import { providerBindings } from "../../scripts/lib/provider-bindings";
import { type FakeProviders, startFakeProviders } from "../fakes";

const run = promisify(execFile);

/** The repository root (this file lives in test/e2e). */
export const ROOT = resolve(import.meta.dirname, "../..");
/** Where the bundled Worker lives: `wrangler deploy --dry-run --outdir dist`. */
export const WORKER_BUNDLE = join(ROOT, "dist", "index.js");

// What the bundle is made of: if any of these is newer than dist/index.js, the bundle is stale.
const BUILD_INPUTS = [
  "worker",
  "durable-objects",
  "wrangler.toml",
  "package-lock.json",
  "tsconfig.json",
  "assets",
  "scripts/docs-assets.ts",
  "scripts/console-chunk.ts",
];
/** The console's own ES module, uploaded beside the bundle (worker/console-loader.ts). */
export const CONSOLE_CHUNK_FILE = "console-chunk.js";
/** The API docs UI's own ES module, uploaded beside the bundle (worker/routes/docs.ts). */
export const DOCS_CHUNK_FILE = "docs-ui-chunk.js";
/** The modules besides the bundle, in the order Miniflare gets them. */
const CHUNK_FILES = [CONSOLE_CHUNK_FILE, DOCS_CHUNK_FILE];

/**
 * The modules Miniflare loads: the bundle, plus the console's and the docs UI's chunks when they sit beside it. They
 * are listed because the bundle imports the chunk through a variable, which Miniflare's own
 * discovery of imports (`modules: true`) cannot follow.
 */
export function workerModules(scriptPath: string): Pick<WorkerOptions, "modules" | "modulesRoot"> {
  const root = dirname(scriptPath);
  const chunks = CHUNK_FILES.map((file) => join(root, file)).filter((path) => existsSync(path));
  return {
    modulesRoot: root,
    modules: [
      { type: "ESModule", path: scriptPath },
      ...chunks.map((path) => ({ type: "ESModule" as const, path })),
    ],
  };
}

function newestMtime(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `dist/index.js` exists and no source it is built from changed since. */
export function isBundleFresh(): boolean {
  const bundle = statSync(WORKER_BUNDLE, { throwIfNoEntry: false });
  if (!bundle) return false;
  if (CHUNK_FILES.some((file) => !existsSync(join(dirname(WORKER_BUNDLE), file)))) return false;
  const newestSource = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(ROOT, p))));
  return bundle.mtimeMs >= newestSource;
}

export interface BundleResult {
  /** Path of the bundled entry module. */
  path: string;
  /** Wrangler's own size line, e.g. `Total Upload: 127.78 KiB / gzip: 39.56 KiB`. */
  sizeLine: string;
}

/**
 * Bundles a Worker exactly as `wrangler deploy` would, without uploading. Builds into a scratch
 * directory and renames the files into place, so a test run starting a worker while another
 * process rebuilds never reads half a bundle.
 */
export async function bundle(
  options: { config?: string; outdir?: string; minify?: boolean } = {},
): Promise<BundleResult> {
  const outdir = options.outdir ?? join(ROOT, "dist");
  mkdirSync(outdir, { recursive: true });
  const scratch = mkdtempSync(join(outdir, ".build-"));
  try {
    const args = ["wrangler", "deploy", "--dry-run", "--outdir", scratch];
    if (options.config) args.push("--config", options.config);
    if (options.minify) args.push("--minify");
    const { stdout } = await run("npx", args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    // The bundle is index.js (or the config's main module name); console-chunk.js beside it is
    // the console's own module (wrangler's `find_additional_modules`), never the entry.
    const files = readdirSync(scratch);
    const entry = files.includes("index.js")
      ? "index.js"
      : (files.find((f) => f.endsWith(".js") && !CHUNK_FILES.includes(f)) ?? "index.js");
    for (const file of files) renameSync(join(scratch, file), join(outdir, file));
    const sizeLine = /Total Upload:[^\n]*/.exec(stdout)?.[0] ?? "";
    return { path: join(outdir, entry), sizeLine };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Bundles Outpost into `dist/` (what the end-to-end tests and the benchmark start). */
export async function buildWorker(): Promise<string> {
  return (await bundle()).path;
}

/** Set by the e2e global setup once it has built `dist/` for this run. */
export const BUILT_FOR_THIS_RUN = "OUTPOST_E2E_BUNDLE_BUILT";

/**
 * Rebuilds `dist/` only when a source changed since the last build, unless the e2e global setup
 * already built it for this run: every test file of one run then exercises the same bundle, even
 * while sources are being edited.
 */
export async function ensureWorkerBuilt(): Promise<string> {
  const builtThisRun =
    process.env[BUILT_FOR_THIS_RUN] === "1" && statSync(WORKER_BUNDLE, { throwIfNoEntry: false });
  if (!builtThisRun && !isBundleFresh()) await buildWorker();
  return WORKER_BUNDLE;
}

/** Applies every migration in `migrations/`, in order, to the Miniflare instance's D1. */
export async function applyMigrations(mf: Miniflare, binding = "DB"): Promise<void> {
  const db = await mf.getD1Database(binding);
  const dir = join(ROOT, "migrations");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"));
    if (statements.length > 0) await db.batch(statements.map((s) => db.prepare(s)));
  }
}

export interface StartWorkerOptions {
  /** Extra or overriding bindings (vars and secrets) for the Outpost worker. */
  bindings?: Record<string, string>;
  /** Fake providers to point the worker at; started on port 0 (and closed by `stop()`) when omitted. */
  fakes?: FakeProviders;
  /** More workers in the same Miniflare instance (the benchmark's baseline), reached through `routes`. */
  extraWorkers?: WorkerOptions[];
  /** Another bundle of Outpost to start instead of `dist/index.js` (the benchmark's latency-model entry). */
  scriptPath?: string;
  /** Forward the worker's stdout/stderr (the per-request log lines). Default: only with OUTPOST_E2E_LOGS=1. */
  logs?: boolean;
}

export interface StartedWorker {
  /** Base URL on 127.0.0.1, without a trailing slash. */
  url: string;
  mf: Miniflare;
  adminKey: string;
  fakes: FakeProviders;
  /** Every binding the worker got on top of wrangler.toml (secrets included). */
  bindings: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the built Outpost worker with the Miniflare API on a real loopback socket: bindings from
 * wrangler.toml, fresh secrets, provider URLs pointing at the fakes, in-memory D1 with every
 * migration applied. Builds the bundle first if it is missing or stale.
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<StartedWorker> {
  await ensureWorkerBuilt();
  const ownFakes = options.fakes === undefined;
  const fakes = options.fakes ?? (await startFakeProviders());
  const adminKey = options.bindings?.ADMIN_API_KEY ?? generateAdminKey();
  const bindings: Record<string, string> = {
    JWT_SIGNING_KEYS: await generateSigningKeySet(2),
    ...providerBindings(fakes),
    ...options.bindings,
    ADMIN_API_KEY: adminKey,
  };

  // wrangler.toml's bindings, but not a developer's .dev.vars: tests and benchmarks must not change
  // with local overrides. Naming an env file that does not exist is how wrangler skips .dev.vars
  // (the option works at runtime; its published type omits it).
  const noDevVars = { envFiles: [join(ROOT, ".e2e-no-dev-vars")] } as Parameters<
    typeof unstable_getMiniflareWorkerOptions
  >[2];
  const { workerOptions } = unstable_getMiniflareWorkerOptions(
    join(ROOT, "wrangler.toml"),
    undefined,
    noDevVars,
  );
  const showLogs = options.logs ?? process.env.OUTPOST_E2E_LOGS === "1";
  let mf: Miniflare | undefined;
  try {
    mf = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      // Miniflare's own log carries what workerd reports outside the Worker's console (uncaught
      // errors after a response started, dispatch failures).
      log: showLogs ? new Log(LogLevel.WARN) : undefined,
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        if (showLogs) {
          stdout.pipe(process.stdout);
          stderr.pipe(process.stderr);
        } else {
          stdout.resume();
          stderr.resume();
        }
      },
      workers: [
        {
          ...workerOptions,
          name: "outpost",
          ...workerModules(options.scriptPath ?? WORKER_BUNDLE),
          bindings: { ...workerOptions.bindings, ...bindings },
        },
        ...(options.extraWorkers ?? []),
      ],
    });
    const url = (await mf.ready).toString().replace(/\/$/, "");
    await applyMigrations(mf);
    const started = mf;
    return {
      url,
      mf: started,
      adminKey,
      fakes,
      bindings,
      async stop() {
        await started.dispose();
        if (ownFakes) await fakes.close();
      },
    };
  } catch (error) {
    await mf?.dispose().catch(() => undefined);
    if (ownFakes) await fakes.close();
    throw error;
  }
}

/** Convenience for tests: JSON fetch against the started worker. */
export async function fetchJson<T = unknown>(
  base: string,
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<{ status: number; headers: Headers; body: T }> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  const res = await fetch(`${base}${path}`, { ...init, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if (text.length > 0 && /json/.test(res.headers.get("Content-Type") ?? "")) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}
