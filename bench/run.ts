/**
 * `npm run bench [-- name ...]`: runs every `bench/<name>.bench.ts` (or the named ones), each
 * against a freshly started built worker, prints their tables and writes
 * `bench/results/latest.json`.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type BenchHarness,
  type BenchReport,
  type HarnessOptions,
  type RunningHarness,
  startHarness,
} from "./harness";

interface BenchModule {
  run(h: BenchHarness): Promise<BenchReport>;
  harness?: HarnessOptions;
}

const benchDir = import.meta.dirname;

function discover(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith(".bench.ts"))
    .map((f) => f.slice(0, -".bench.ts".length))
    .sort();
}

function table(report: BenchReport): string {
  const header = ["", "value", "ratio", "note"];
  const rows = report.rows.map((r) => [r.name, r.value, r.ratio ?? "", r.note ?? ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [
    `### ${report.title}`,
    "",
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

async function main(): Promise<void> {
  const available = discover();
  const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Available: ${available.join(", ")}`);
    process.exit(2);
  }
  const names = requested.length > 0 ? requested : available;
  const results: { name: string; startedAt: string; report?: BenchReport; error?: string }[] = [];

  for (const name of names) {
    const startedAt = new Date().toISOString();
    console.error(`\n▶ ${name}`);
    let harness: RunningHarness | undefined;
    try {
      const mod = (await import(pathToFileURL(join(benchDir, `${name}.bench.ts`)).href)) as BenchModule;
      if (typeof mod.run !== "function") throw new Error(`bench/${name}.bench.ts does not export run(h)`);
      harness = await startHarness(mod.harness);
      const report = await mod.run(harness);
      console.log(`\n${table(report)}\n`);
      results.push({ name, startedAt, report });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`✗ ${name} failed: ${message}`);
      results.push({ name, startedAt, error: message });
    } finally {
      await harness?.stop();
    }
  }

  const machine = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    loadavg: loadavg(),
  };
  mkdirSync(join(benchDir, "results"), { recursive: true });
  const out = join(benchDir, "results", "latest.json");
  writeFileSync(
    out,
    `${JSON.stringify({ finishedAt: new Date().toISOString(), machine, results }, null, 2)}\n`,
  );
  console.error(`Results written to ${out}`);
  if (results.some((r) => r.error)) process.exit(1);
}

await main();
