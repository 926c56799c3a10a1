/**
 * Builds the console (worker/console/app.ts and everything it imports) into its own ES module,
 * `worker/console-chunk.js`, which wrangler uploads beside the main module (`find_additional_modules`
 * and the `ESModule` rule in wrangler.toml) and worker/console-loader.ts imports on the first
 * /console request. API requests never load it, so the console does not grow the main module
 * (issue 13: at most +10 %; bench/README.md, Bundle). Runs as part of wrangler's custom build
 * (`[build]` in wrangler.toml), so `npm run dev` (rebuilt on every change under worker/),
 * `npm run build`, `npm run deploy` and the end-to-end tests' bundle all get it; the vitest workers
 * pool's global setup builds it too (the pool imports it from worker/ for /console requests). The
 * file is git-ignored, never edited by hand; type checking and linting never need it.
 *
 * esbuild is the bundler wrangler itself uses (the same version, pinned in the lock file), called
 * with wrangler's settings for Workers: ESM, the `workerd`/`worker`/`browser` export conditions, the
 * runtime's own modules (`cloudflare:*`, `node:*` under nodejs_compat) left external.
 *
 * The file is written only when its content changed: it lives under worker/, which `wrangler dev`
 * watches, so rewriting identical bytes would trigger the custom build again, forever.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build, type Metafile } from "esbuild";

export const ROOT = resolve(import.meta.dirname, "..");
export const CONSOLE_ENTRY = join(ROOT, "worker", "console", "app.ts");
/** Must stay next to the main module's source (worker/), where the loader's relative import looks. */
export const CONSOLE_CHUNK = join(ROOT, "worker", "console-chunk.js");

/** Bundles the console; returns the code and esbuild's metafile (which sources went in). */
export async function bundleConsole(options: { minify?: boolean } = {}): Promise<{
  code: Uint8Array;
  metafile: Metafile;
}> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [CONSOLE_ENTRY],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    minify: options.minify ?? true,
    legalComments: "none",
    metafile: true,
    write: false,
    outfile: CONSOLE_CHUNK,
    logLevel: "warning",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no console chunk");
  return { code: file.contents, metafile: result.metafile };
}

/**
 * Builds the chunk and writes it when its bytes changed (atomically: a temporary file renamed into
 * place, so a test run or `wrangler dev` reading it meanwhile never sees half a file).
 */
export async function writeConsoleChunk(): Promise<{ bytes: number; changed: boolean }> {
  const { code } = await bundleConsole();
  let previous: Buffer | undefined;
  try {
    previous = readFileSync(CONSOLE_CHUNK);
  } catch {
    previous = undefined;
  }
  const changed = !previous || !previous.equals(code);
  if (changed) {
    const temporary = `${CONSOLE_CHUNK}.${process.pid}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, CONSOLE_CHUNK);
  }
  return { bytes: code.length, changed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bytes, changed } = await writeConsoleChunk();
  console.log(
    `console chunk: ${relative(ROOT, CONSOLE_CHUNK)} ${(bytes / 1024).toFixed(1)} KiB${changed ? "" : " (unchanged)"}`,
  );
}
