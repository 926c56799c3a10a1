/**
 * Copies the API docs UI (Swagger UI, from the `swagger-ui-dist` package, so the version is the
 * one package-lock.json pins) into `assets/docs-ui/`, which Workers Static Assets serve from our
 * own origin: /docs loads no third-party script. Runs as wrangler's custom build (`[build]` in
 * wrangler.toml), so `npm run dev`, `npm run build`, `npm run deploy` and the end-to-end tests'
 * bundle all get the files; they are git-ignored, never edited by hand.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const OUT = join(ROOT, "assets", "docs-ui");
const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"];

const require = createRequire(import.meta.url);
const source = dirname(require.resolve("swagger-ui-dist/package.json"));
const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as { version: string };

mkdirSync(OUT, { recursive: true });
for (const file of FILES) copyFileSync(join(source, file), join(OUT, file));
console.log(`docs UI: swagger-ui-dist ${version} → assets/docs-ui/`);
