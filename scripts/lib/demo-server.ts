import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, createServer, type InlineConfig, preview } from "vite";

/** The demo app's Vite config (examples/demo). */
export const DEMO_CONFIG = resolve(import.meta.dirname, "../../examples/demo/vite.config.ts");

export interface DemoServer {
  /** e.g. `http://127.0.0.1:5173`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export interface DemoServerOptions {
  /** The Worker that `/v1` (HTTP and WebSockets) is proxied to. */
  apiUrl: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Vite's own log lines (`info` for `npm run dev`, `silent` in tests). */
  logLevel?: InlineConfig["logLevel"];
}

function proxyTo(apiUrl: string) {
  return { "/v1": { target: apiUrl, changeOrigin: true, ws: true } };
}

function addressOf(urls: { local: string[] } | null | undefined, fallback: string): string {
  return (urls?.local[0] ?? fallback).replace(/\/$/, "");
}

/** `npm run dev`: Vite's dev server for the demo (on-demand compiling, reload on edits). */
export async function startDemoDevServer(options: DemoServerOptions): Promise<DemoServer> {
  const host = options.host ?? "127.0.0.1";
  const server = await createServer({
    configFile: DEMO_CONFIG,
    logLevel: options.logLevel ?? "warn",
    server: { host, port: options.port ?? 5173, strictPort: true, proxy: proxyTo(options.apiUrl) },
  });
  await server.listen();
  return {
    url: addressOf(server.resolvedUrls, `http://${host}:${options.port ?? 5173}`),
    close: () => server.close(),
  };
}

/**
 * The browser test: a production build of the demo into a scratch directory, served by Vite's
 * preview server (static files plus the same `/v1` proxy), so the test runs what would ship.
 */
export async function serveDemoBuild(options: DemoServerOptions): Promise<DemoServer> {
  const host = options.host ?? "127.0.0.1";
  const outDir = mkdtempSync(join(tmpdir(), "outpost-demo-"));
  const logLevel = options.logLevel ?? "silent";
  try {
    await build({ configFile: DEMO_CONFIG, logLevel, build: { outDir, emptyOutDir: true } });
    const server = await preview({
      configFile: DEMO_CONFIG,
      logLevel,
      build: { outDir },
      preview: { host, port: options.port ?? 0, strictPort: true, proxy: proxyTo(options.apiUrl) },
    });
    const port = (server.httpServer.address() as { port: number } | null)?.port;
    return {
      url: addressOf(server.resolvedUrls, `http://${host}:${port}`),
      async close() {
        await server.close();
        rmSync(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
}
