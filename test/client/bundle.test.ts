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
