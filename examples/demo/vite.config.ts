import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The demo app. `/v1` (HTTP and the sync WebSockets) is proxied to the Worker, so the page and
 * the API share one origin and the Worker needs no CORS. `npm run dev` and the browser test start
 * this config through Vite's API and point the proxy at their Worker; run alone
 * (`npx vite examples/demo`) it expects `npm run dev`'s Worker on 127.0.0.1:8787, or
 * `OUTPOST_API_URL`.
 *
 * `@outpost/client` resolves to the SDK's sources rather than its build: the demo needs no build
 * step first, and an edit to the SDK reloads the page.
 */
const apiUrl = process.env.OUTPOST_API_URL ?? "http://127.0.0.1:8787";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  clearScreen: false,
  resolve: {
    alias: { "@outpost/client": fileURLToPath(new URL("../../client/src/index.ts", import.meta.url)) },
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: { "/v1": { target: apiUrl, changeOrigin: true, ws: true } },
  },
  preview: {
    host: "127.0.0.1",
    proxy: { "/v1": { target: apiUrl, changeOrigin: true, ws: true } },
  },
  // Beside the Worker's bundle in the root's dist/, which git, ESLint and Prettier already skip.
  build: { target: "es2022", outDir: "../../dist/demo", emptyOutDir: true },
});
