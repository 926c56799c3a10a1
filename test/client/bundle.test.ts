import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

// The SDK must run unchanged in browsers, React Native and Node: bundled for a neutral platform
// it may import nothing (no Node built-ins, no dependencies), and it must stay inside its budget.

it("bundles for a neutral platform with no imports, within 15 KB min+gzip", async () => {
  const out = await build({
    entryPoints: [new URL("../../client/src/index.ts", import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    target: "es2020",
    write: false,
    metafile: true,
  });
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.filter((path) => !path.startsWith("client/src/"))).toEqual([]);
  const code = out.outputFiles[0]!.contents;
  expect(new TextDecoder().decode(code)).not.toMatch(/\brequire\(|from\s*"node:/);
  expect(gzipSync(code, { level: 9 }).byteLength).toBeLessThanOrEqual(15 * 1024);
});

it("loads in plain Node from the built package (npm test builds client/dist first)", async () => {
  const { execFileSync } = await import("node:child_process");
  const script =
    'const m = await import("@outpost/client"); const s = m.memoryStorage(); await s.setMany([["k", "v"]]);' +
    "console.log(JSON.stringify([Object.keys(m).sort(), await s.get('k')]));";
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(JSON.parse(out)).toEqual([["Outpost", "OutpostError", "indexedDbStorage", "memoryStorage"], "v"]);
});
