import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const call = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://outpost.test${path}`, init));

/**
 * The console is its own module (worker/console-chunk.js, built by the pool's global setup) that
 * worker/console-loader.ts imports through a variable: the pool resolves it from worker/ as the
 * deployed Worker resolves it beside index.js. The console's behaviour is tested end to end in
 * test/e2e/console*.e2e.test.ts; this checks only that the pool serves it too.
 */
describe("the console in the workers pool", () => {
  it("serves the sign-in page and its assets from the console chunk", async () => {
    const res = await call("/console");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("Sign in");
    const script = /src="(\/console\/app\.js[^"]*)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await call(script ?? "/console/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("Content-Type")).toMatch(/javascript/);
  });

  it("leaves API requests to the main module (a JSON problem, not a console page)", async () => {
    const res = await call("/v1/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });
});
