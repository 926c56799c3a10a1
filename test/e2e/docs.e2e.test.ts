import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { type StartedWorker, startWorker } from "./start-worker";

let worker: StartedWorker;
let browser: Browser;

beforeAll(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

describe("GET /docs", () => {
  it("renders the API's operations with every request to another host cut off", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const outside: string[] = [];
    const ours: string[] = [];
    // The network beyond this machine is cut: a CDN script would never arrive.
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === "data:" || LOOPBACK.has(url.hostname)) {
        ours.push(url.pathname);
        return route.continue();
      }
      outside.push(url.href);
      return route.abort();
    });
    const violations: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error" && /Content.Security.Policy/i.test(msg.text())) violations.push(msg.text());
    });
    try {
      const res = await page.goto(`${worker.url}/docs`);
      expect(res?.status()).toBe(200);
      // An operation of the contract, rendered from /openapi.json by Swagger UI.
      const configOp = page.locator(".opblock-summary-path", { hasText: /^\/v1\/config$/ }).first();
      await configOp.waitFor({ state: "visible", timeout: 20_000 });
      expect(await page.locator(".opblock").count()).toBeGreaterThan(20);
      expect(outside).toEqual([]);
      expect(ours).toEqual(
        expect.arrayContaining([
          "/docs",
          "/docs-ui/swagger-ui.css",
          "/docs-ui/swagger-ui-bundle.js",
          "/docs-ui/init.js",
          "/openapi.json",
        ]),
      );
      // The page needs nothing the policy refuses: no inline script, no third-party origin.
      expect(violations).toEqual([]);
      await page.screenshot({ path: "test/artifacts/docs.png" });
    } finally {
      await context.close();
    }
  });

  it("is served with a strict Content-Security-Policy and the UI's files from our origin", async () => {
    const res = await fetch(`${worker.url}/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    const html = await res.text();
    // No inline script: every <script> names a same-origin src.
    expect(html.match(/<script(?![^>]*\ssrc="\/)[^>]*>/g) ?? []).toEqual([]);
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${worker.url}/docs-ui/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toContain("javascript");
    expect(bundle.headers.get("x-content-type-options")).toBe("nosniff");
    expect(bundle.headers.get("content-encoding")).toBe("gzip");
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(500_000);
  });

  it("serves the UI's files gzip-compressed or inflated, revalidates by ETag, and nothing else", async () => {
    const path = `${worker.url}/docs-ui/swagger-ui.css`;
    const gz = await fetch(path, { headers: { "Accept-Encoding": "gzip" } });
    expect(gz.status).toBe(200);
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gz.headers.get("content-type")).toContain("text/css");
    const css = await gz.text(); // fetch inflates it
    const plain = await fetch(path, { headers: { "Accept-Encoding": "identity" } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(css);
    expect(css).toContain(".swagger-ui");
    const etag = gz.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await fetch(path, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    for (const other of ["/docs-ui/package.json", "/docs-ui/..%2Fwrangler.toml", "/docs-ui/constructor"])
      expect((await fetch(`${worker.url}${other}`)).status).toBe(404);
  });
});
