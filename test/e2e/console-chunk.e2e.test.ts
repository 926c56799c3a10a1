import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleConsole, ROOT } from "../../scripts/console-chunk";
import { consoleCookie, csrfToken, query, signInUser } from "./console-helpers";
import {
  CONSOLE_CHUNK_FILE,
  fetchJson,
  type StartedWorker,
  startWorker,
  WORKER_BUNDLE,
} from "./start-worker";

/**
 * The console runs from its own ES module (worker/console-chunk.js; worker/console-loader.ts), with
 * its own copy of every module it imports. These tests hold the rule written at the loader: no
 * module with per-isolate state the API also relies on ends up in the chunk, and what the console
 * changes is seen by the API on the same isolate at once (the main module's caches, not copies).
 */

/**
 * Modules in the chunk allowed to keep module-level mutable state, and why their copy is harmless.
 * Anything else with such state must be reached through `ConsoleServices` instead.
 */
const ALLOWED_STATE: Record<string, string> = {
  "worker/console/assets.ts": "the console's own asset hashes; only the chunk uses them",
  "worker/console/services.ts": "the services bound per request, keyed by that request's context",
  "worker/push/campaigns/local-time.ts": "a memo of Intl.DateTimeFormat per time zone",
  "worker/config/flags.ts": "a memo of parsed semver ranges",
  "worker/entitlements/catalog.ts": "a memo of the parsed ENTITLEMENTS var, keyed by its text",
  // Reached only through the pure payload helpers of apns/sender.ts (payload.ts validates the
  // campaign's APNs payload); the console never sends, so the token copy is never read or filled.
  "worker/push/providers/apns/credentials-client.ts": "the APNs token copy, unused: the console never sends",
};

/** Top-level `let`/`var`, or a top-level container created empty (to be filled later). */
const MODULE_STATE = [
  /^(export )?(let|var) /m,
  /^(export )?const \w+(: [^=]+)? = new (Weak)?(Map|Set)(<[^>]*>)?\(\)/m,
  /^(export )?const \w+(: [^=]+)? = \[\]/m,
];

describe("the console chunk's build", () => {
  it("contains no module-level state the API shares (config, session and metrics caches)", async () => {
    const { metafile } = await bundleConsole({ minify: false });
    const sources = Object.keys(metafile.inputs).filter((f) => f.startsWith("worker/"));
    expect(sources).toContain("worker/console/app.ts");
    const stateful = sources.filter((file) => {
      const text = readFileSync(join(ROOT, file), "utf8");
      return MODULE_STATE.some((pattern) => pattern.test(text));
    });
    expect(stateful.filter((file) => !(file in ALLOWED_STATE))).toEqual([]);
    // The modules the rule exists for are not in the chunk at all.
    for (const file of [
      "worker/config/store.ts",
      "worker/auth/session-cache.ts",
      "worker/auth/verified-cache.ts",
      "worker/ops/metrics.ts",
      "worker/ops/analytics-writer.ts",
    ])
      expect(sources).not.toContain(file);
  });

  it("keeps console code out of the main module and ships the chunk beside it", async () => {
    const worker = await startWorker(); // builds dist/ when stale
    await worker.stop();
    const main = readFileSync(WORKER_BUNDLE, "utf8");
    const chunk = readFileSync(join(dirname(WORKER_BUNDLE), CONSOLE_CHUNK_FILE), "utf8");
    // The console's cookie name and page paths: in the chunk, nowhere in the main module.
    for (const marker of ["__Host-outpost_console", "/console/campaigns", "console/app.css"]) {
      expect(main).not.toContain(marker);
      expect(chunk).toContain(marker);
    }
    expect(main).toContain("console-chunk.js");
  });
});

describe("what the console changes, the API on the same isolate sees at once", () => {
  let worker: StartedWorker;
  beforeAll(async () => {
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.stop();
  });

  const post = (cookie: string, path: string, fields: Record<string, string>) =>
    fetch(`${worker.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: worker.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });

  it("a config saved in the console is served by GET /v1/config immediately (no 30 s stale copy)", async () => {
    const flag = async () =>
      (
        await fetchJson<{ flags: Record<string, unknown> }>(worker.url, "/v1/config", {
          headers: { "X-Platform": "android" },
        })
      ).body.flags.chunkProbe;
    expect(await flag()).toBeUndefined(); // the API's cache now holds the config without the flag
    const cookie = await consoleCookie(worker);
    const page = await (await fetch(`${worker.url}/console/config`, { headers: { Cookie: cookie } })).text();
    const base = /name="baseRevision" value="(\d+)"/.exec(page)?.[1] ?? "";
    const saved = await post(cookie, "/console/config", {
      _csrf: await csrfToken(worker, cookie),
      baseRevision: base,
      config: JSON.stringify({ flags: { chunkProbe: { default: true, rules: [] } } }),
    });
    expect(saved.status).toBe(303);
    expect(await flag()).toBe(true);
  });

  it("the health page counts this isolate's requests still buffered in the main module", async () => {
    const cookie = await consoleCookie(worker);
    const total = async () => {
      const html = await (
        await fetch(`${worker.url}/console/health`, { headers: { Cookie: cookie } })
      ).text();
      return Number(/<dt>Requests<\/dt>\s*<dd>(\d+)<\/dd>/.exec(html)?.[1] ?? Number.NaN);
    };
    const before = await total();
    expect(Number.isFinite(before)).toBe(true);
    // Counted in the main module's buffer (flushed every 5 s or 200 counts): only the main
    // module's flush, handed to the chunk, puts them on the chart now.
    for (let i = 0; i < 7; i++) expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect(await total()).toBeGreaterThanOrEqual(before + 7);
  });

  it("a session revoked in the console stops its access token at once", async () => {
    const user = await signInUser(worker, `chunk-${crypto.randomUUID()}`, "ios");
    const me = () => fetchJson(worker.url, "/v1/me", { token: user.accessToken });
    expect((await me()).status).toBe(200); // the API's session cache now says "live"
    const [session] = await query<{ id: string }>(
      worker,
      "SELECT id FROM sessions WHERE user_id = ?",
      user.userId,
    );
    const cookie = await consoleCookie(worker);
    const revoked = await post(cookie, `/console/users/${user.userId}/sessions/${session?.id}/revoke`, {
      _csrf: await csrfToken(worker, cookie),
    });
    expect(revoked.status).toBe(303);
    expect((await me()).status).toBe(401);
  });
});
