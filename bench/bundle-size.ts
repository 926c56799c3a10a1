/**
 * `npx tsx bench/bundle-size.ts`: what the Worker bundle weighs for an API request. Builds exactly
 * as `npm run build` does (`wrangler deploy --dry-run --minify`) into `dist/bundle-size/` and
 * prints, per emitted module, its raw and gzip size. The **main module** is what every request
 * loads (issue 13's figure: at most +10 % for the console); the **console chunk**
 * (`console-chunk.js`, built by scripts/console-chunk.ts and uploaded beside it) is loaded only by
 * /console requests, so it is listed apart and not counted for API requests.
 * Static assets (`[assets]`, e.g. the docs UI) are served by the platform and are not part of the
 * bundle at all.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundle, CONSOLE_CHUNK_FILE, ROOT } from "../test/e2e/start-worker";

export interface ModuleSize {
  file: string;
  raw: number;
  gzip: number;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Sizes of every emitted JavaScript/wasm module, the main module first. */
export async function measureBundle(): Promise<{ main: ModuleSize; others: ModuleSize[]; sizeLine: string }> {
  const outdir = join(ROOT, "dist", "bundle-size");
  rmSync(outdir, { recursive: true, force: true });
  const built = await bundle({ outdir, minify: true });
  const mainFile = built.path.slice(outdir.length + 1);
  const sizes: ModuleSize[] = [];
  for (const file of readdirSync(outdir)) {
    if (!/\.(m?js|wasm)$/.test(file)) continue;
    const bytes = readFileSync(join(outdir, file));
    // gzip -9: the level wrangler's own "gzip" figure and the platform's size limit are near.
    sizes.push({ file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  const main = sizes.find((s) => s.file === mainFile);
  if (!main) throw new Error(`main module ${mainFile} not found in ${outdir}`);
  return { main, others: sizes.filter((s) => s !== main), sizeLine: built.sizeLine };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { main, others, sizeLine } = await measureBundle();
  console.log(`wrangler: ${sizeLine}`);
  console.log(`main module (every request): ${main.file} ${kib(main.raw)} raw / ${kib(main.gzip)} gzip`);
  for (const m of others) {
    const what = m.file === CONSOLE_CHUNK_FILE ? "console chunk (/console requests only)" : "other module";
    console.log(`${what}: ${m.file} ${kib(m.raw)} raw / ${kib(m.gzip)} gzip`);
  }
}
