import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_COOKIE, consoleCookie, csrfToken, query } from "./console-helpers";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

// The console's safety model over plain HTTP against the built worker: the cookie, the CSP, and
// that a request without the session, from a foreign origin or without the CSRF token changes
// nothing.

let worker: StartedWorker;
const FOREIGN = "https://evil.example";

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

async function post(path: string, fields: Record<string, string>, headers: Record<string, string>) {
  return fetch(`${worker.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: form(fields),
  });
}

async function liveRevision(): Promise<string> {
  const res = await fetchJson(worker.url, "/v1/admin/config", { token: worker.adminKey });
  return res.headers.get("X-Config-Revision") ?? "";
}

const FLAG_ON = JSON.stringify({ flags: { newCheckout: { default: true, rules: [] } } });

describe("console sign-in", () => {
  it("shows the sign-in form with a strict CSP and no caching", async () => {
    const res = await fetch(`${worker.url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toBe(CSP);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<label for="key">Admin key</label>');
    // No inline script: the only script is ours, by URL, pinned by its hash.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).toMatch(/<script src="\/console\/app\.js\?v=[^"]+" integrity="sha256-[^"]+"/);
  });

  it("serves the page script whose hash the page pins", async () => {
    const html = await (await fetch(`${worker.url}/console`)).text();
    const [, src, integrity] = /<script src="([^"]+)" integrity="([^"]+)"/.exec(html) ?? [];
    const res = await fetch(`${worker.url}${src?.replace(/&amp;/g, "&")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/javascript/);
    const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(await res.arrayBuffer()));
    expect(`sha256-${Buffer.from(digest).toString("base64")}`).toBe(integrity);
  });

  it("exchanges the admin key for a __Host- cookie that is HttpOnly, Secure and SameSite=Strict", async () => {
    const res = await post("/console/login", { key: worker.adminKey }, { Origin: worker.url });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/console/campaigns");
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^${CONSOLE_COOKIE}=[A-Za-z0-9_-]{43};`));
    const attributes = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(
      expect.arrayContaining(["httponly", "secure", "samesite=strict", "path=/", "max-age=28800"]),
    );
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
    // The database holds only the SHA-256 of the cookie's value.
    const value = /=([^;]+)/.exec(cookie)?.[1] ?? "";
    const rows = await query<{ id_hash: string }>(worker, "SELECT id_hash FROM console_sessions");
    expect(rows.some((r) => r.id_hash === value)).toBe(false);
    const hash = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value))).toString(
      "hex",
    );
    expect(rows.some((r) => r.id_hash === hash)).toBe(true);
  });

  it("refuses a wrong key and a sign-in posted from a foreign origin, setting no cookie", async () => {
    const wrong = await post("/console/login", { key: `${worker.adminKey}x` }, { Origin: worker.url });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("Set-Cookie")).toBeNull();
    expect(await wrong.text()).toContain("That key is not valid.");
    const foreign = await post("/console/login", { key: worker.adminKey }, { Origin: FOREIGN });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("Set-Cookie")).toBeNull();
  });

  it("sends a page without a session back to the sign-in form", async () => {
    const res = await fetch(`${worker.url}/console/config`, { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/console");
  });
});

describe("state-changing console requests", () => {
  it("change nothing without the cookie, from a foreign origin, or without the right CSRF token", async () => {
    const cookie = await consoleCookie(worker);
    const csrf = await csrfToken(worker, cookie);
    const before = await liveRevision();
    const campaignsBefore = await query(worker, "SELECT id FROM push_campaigns");
    const baseRevision = before;
    const config = { config: FLAG_ON, baseRevision };
    const campaign = { title: "Sale", body: "Now on", when: "now", platforms: "ios" };

    for (const [path, fields] of [
      ["/console/config", config],
      ["/console/campaigns", campaign],
    ] as const) {
      const noCookie = await post(path, { ...fields, _csrf: csrf }, { Origin: worker.url });
      expect(noCookie.status).toBe(401);
      const foreign = await post(path, { ...fields, _csrf: csrf }, { Origin: FOREIGN, Cookie: cookie });
      expect(foreign.status).toBe(403);
      const noOrigin = await post(path, { ...fields, _csrf: csrf }, { Cookie: cookie });
      expect(noOrigin.status).toBe(403);
      const noToken = await post(path, fields, { Origin: worker.url, Cookie: cookie });
      expect(noToken.status).toBe(403);
      const wrongToken = await post(
        path,
        { ...fields, _csrf: `${csrf}x` },
        { Origin: worker.url, Cookie: cookie },
      );
      expect(wrongToken.status).toBe(403);
    }
    expect(await liveRevision()).toBe(before);
    expect(await query(worker, "SELECT id FROM push_campaigns")).toEqual(campaignsBefore);
    expect(
      await query(
        worker,
        "SELECT seq FROM audit_log WHERE action IN ('config.replaced', 'campaign.created')",
      ),
    ).toEqual([]);

    // The same request, done right, does change the config (so the refusals above were not vacuous).
    const ok = await post(
      "/console/config",
      { ...config, _csrf: csrf },
      { Origin: worker.url, Cookie: cookie },
    );
    expect(ok.status).toBe(303);
    expect(Number(await liveRevision())).toBe(Number(before) + 1);
    const audit = await query<{ actor: string; action: string }>(
      worker,
      "SELECT actor, action FROM audit_log WHERE action = 'config.replaced'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toMatch(/^console:[0-9a-f]{12}$/);
  });

  it("shows the API's validation errors next to the config field and stores nothing", async () => {
    const cookie = await consoleCookie(worker);
    const csrf = await csrfToken(worker, cookie);
    const before = await liveRevision();
    const bad = JSON.stringify({ flags: { beta: { default: true, rules: [{ value: "yes" }] } } });
    const res = await post(
      "/console/config",
      { config: bad, baseRevision: before, _csrf: csrf },
      { Origin: worker.url, Cookie: cookie },
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="config-error"');
    expect(html).toContain("flags.beta.rules.0.value: must have the same type as default (boolean)");
    const dup = await post(
      "/console/config",
      { config: '{"flags": {}, "flags": {}}', baseRevision: before, _csrf: csrf },
      { Origin: worker.url, Cookie: cookie },
    );
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain("appears twice");
    expect(await liveRevision()).toBe(before);
  });

  it("refuses a save based on a revision that is no longer live (someone else saved first)", async () => {
    const cookie = await consoleCookie(worker);
    const csrf = await csrfToken(worker, cookie);
    const before = await liveRevision();
    const stale = String(Number(before) - 1);
    const res = await post(
      "/console/config",
      { config: FLAG_ON, baseRevision: stale, _csrf: csrf },
      { Origin: worker.url, Cookie: cookie },
    );
    expect(res.status).toBe(409);
    expect(await liveRevision()).toBe(before);
  });

  it("signs out: the cookie is cleared and no longer works; signing out everywhere ends every session", async () => {
    const first = await consoleCookie(worker);
    const second = await consoleCookie(worker);
    const csrf = await csrfToken(worker, first);
    const out = await post("/console/logout", { _csrf: csrf }, { Origin: worker.url, Cookie: first });
    expect(out.status).toBe(303);
    expect(out.headers.get("Set-Cookie")).toMatch(new RegExp(`^${CONSOLE_COOKIE}=; Max-Age=0`));
    expect(
      (await fetch(`${worker.url}/console/campaigns`, { headers: { Cookie: first }, redirect: "manual" }))
        .status,
    ).toBe(303);
    expect(
      (await fetch(`${worker.url}/console/campaigns`, { headers: { Cookie: second }, redirect: "manual" }))
        .status,
    ).toBe(200);

    const third = await consoleCookie(worker);
    const all = await post(
      "/console/sessions/revoke-all",
      { _csrf: await csrfToken(worker, third) },
      { Origin: worker.url, Cookie: third },
    );
    expect(all.status).toBe(303);
    for (const cookie of [second, third]) {
      expect(
        (await fetch(`${worker.url}/console/campaigns`, { headers: { Cookie: cookie }, redirect: "manual" }))
          .status,
      ).toBe(303);
    }
    const audit = await query<{ action: string }>(
      worker,
      "SELECT action FROM audit_log WHERE action = 'console.sessions_revoked'",
    );
    expect(audit).toHaveLength(1);
  });
});

describe("the admin API in the same audit log", () => {
  it("records PUT /v1/admin/config and campaign create/cancel as the admin key", async () => {
    const put = await fetchJson(worker.url, "/v1/admin/config", {
      method: "PUT",
      token: worker.adminKey,
      json: { flags: {} },
    });
    expect(put.status).toBe(200);
    const created = await fetchJson<{ id: string }>(worker.url, "/v1/push/campaigns", {
      method: "POST",
      token: worker.adminKey,
      json: {
        title: "Later",
        body: "Scheduled",
        target: { platforms: ["ios"] },
        sendAt: Date.now() + 3_600_000,
      },
    });
    expect(created.status).toBe(202);
    const cancelled = await fetchJson(worker.url, `/v1/push/campaigns/${created.body.id}`, {
      method: "DELETE",
      token: worker.adminKey,
    });
    expect(cancelled.status).toBe(204);
    const rows = await query<{ actor: string; action: string; subject: string }>(
      worker,
      "SELECT actor, action, subject FROM audit_log WHERE actor = 'admin key' ORDER BY seq",
    );
    expect(rows.map((r) => r.action)).toEqual(["config.replaced", "campaign.created", "campaign.cancelled"]);
    expect(rows[1]?.subject).toBe(created.body.id);
  });

  it("counts a target's audience with POST /v1/admin/push/audience (validated like a campaign)", async () => {
    const ok = await fetchJson<{ devices: number }>(worker.url, "/v1/admin/push/audience", {
      method: "POST",
      token: worker.adminKey,
      json: { target: { platforms: ["android"] } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.devices).toBe(0);
    const bad = await fetchJson(worker.url, "/v1/admin/push/audience", {
      method: "POST",
      token: worker.adminKey,
      json: { target: { appVersion: "not a range" } },
    });
    expect(bad.status).toBe(400);
    const noKey = await fetchJson(worker.url, "/v1/admin/push/audience", {
      method: "POST",
      json: { target: {} },
    });
    expect(noKey.status).toBe(401);
  });
});

describe("console sign-in rate limit", () => {
  it("refuses sign-in attempts past the per-network limit, even with the right key", async () => {
    const limited = await startWorker({ bindings: { RATE_LIMIT_CONSOLE_LOGIN_PER_MINUTE: "3" } });
    try {
      const attempt = (key: string) =>
        fetch(`${limited.url}/console/login`, {
          method: "POST",
          redirect: "manual",
          headers: {
            Origin: limited.url,
            "Content-Type": "application/x-www-form-urlencoded",
            "CF-Connecting-IP": "203.0.113.9",
          },
          body: new URLSearchParams({ key }),
        });
      for (let i = 0; i < 3; i++) expect((await attempt("wrong")).status).toBe(401);
      const refused = await attempt(limited.adminKey);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(refused.headers.get("Set-Cookie")).toBeNull();
      expect(await query(limited, "SELECT id_hash FROM console_sessions")).toEqual([]);
    } finally {
      await limited.stop();
    }
  });
});
