import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { type AppUser, apnsToken, fcmToken, query, registerDevice, signInUser } from "./console-helpers";
import { AppReplica } from "./sync-client";
import { fetchJson, ROOT, type StartedWorker, startWorker } from "./start-worker";

// The console in headless Chromium against the built worker and the fake providers, driven by
// label and role as a person would. Every page is saved as a screenshot in test/artifacts/console/
// (a test artefact, not committed); `UPDATE_SCREENSHOTS=1` also refreshes the committed copies in
// docs/console/ that the README links, so a test run leaves the tree clean.

const SHOTS = join(ROOT, "test", "artifacts", "console");
const DOC_SHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? join(ROOT, "docs", "console") : null;

let worker: StartedWorker;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

let alice: AppUser; // iOS, delivers
let bob: AppUser; // Android, FCM answers 403 SENDER_ID_MISMATCH
let carol: AppUser; // iOS, APNs answers 410 Unregistered: pruned

async function shot(name: string, target: Page = page): Promise<void> {
  const image = await target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (DOC_SHOTS) writeFileSync(join(DOC_SHOTS, `${name}.png`), image);
}

async function script(provider: "fcm" | "apns", body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${worker.fakes.controlUrl}/${provider}/script`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, as the datetime-local field labelled UTC takes it. */
const utcLocal = (ms: number) => new Date(ms).toISOString().slice(0, 19);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  worker = await startWorker();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  // A CSP violation is reported on the console; 4xx answers the tests provoke are not errors here.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });

  alice = await signInUser(worker, `alice-${crypto.randomUUID()}`, "ios");
  bob = await signInUser(worker, `bob-${crypto.randomUUID()}`, "android");
  carol = await signInUser(worker, `carol-${crypto.randomUUID()}`, "ios");
  const bobToken = fcmToken();
  const carolToken = apnsToken();
  await registerDevice(worker, alice, { platform: "ios", token: apnsToken(), appVersion: "3.2.1" });
  await registerDevice(worker, bob, {
    platform: "android",
    token: bobToken,
    appVersion: "2.9.0",
    locale: "fr-CH",
  });
  await registerDevice(worker, carol, { platform: "ios", token: carolToken, appVersion: "3.0.0" });
  await script("fcm", { token: bobToken, responses: [{ status: 403 }], thenSucceed: false });
  await script("apns", { token: carolToken, responses: [{ status: 410 }], thenSucceed: false });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await worker?.stop();
});

describe("the console in a browser", () => {
  it("signs in with the admin key and keeps only an HttpOnly cookie", async () => {
    await page.goto(`${worker.url}/console`);
    await shot("sign-in");
    await page.getByLabel("Admin key", { exact: true }).fill(worker.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Campaigns");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "__Host-outpost_console");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    // Not readable by script, and the key is nowhere in the browser's storage.
    expect(await page.evaluate("document.cookie")).toBe("");
    const stored = await page.evaluate<string>(
      "JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })",
    );
    expect(stored).not.toContain(worker.adminKey);
  });

  it("counts the audience live, schedules a campaign and fills its funnel from the fake providers", async () => {
    await page.goto(`${worker.url}/console/campaigns`);
    const count = page.locator("#audience-count");
    await expect.poll(() => count.textContent()).toBe("3 devices");
    await page.getByLabel("Android", { exact: true }).check();
    await expect.poll(() => count.textContent()).toBe("1 device");
    await page.getByLabel("Android", { exact: true }).uncheck();
    await page.getByLabel("App version range", { exact: true }).fill(">=3.0.0");
    await expect.poll(() => count.textContent()).toBe("2 devices");
    await page.getByLabel("App version range", { exact: true }).fill("");
    await expect.poll(() => count.textContent()).toBe("3 devices");

    await page.getByLabel("Title", { exact: true }).fill("Spring sale");
    await page.getByLabel("Body", { exact: true }).fill("Everything 20% off today");
    await page.getByLabel("Data", { exact: true }).fill("screen=sale\ncampaign=spring");
    await page.getByLabel("At a time", { exact: true }).check();
    await page.getByLabel("Send at (UTC)", { exact: true }).fill(utcLocal(Date.now() + 4_000));
    await shot("campaign-compose");
    await page.getByRole("button", { name: "Create campaign" }).click();

    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Campaign: Spring sale");
    expect(await page.locator("#campaign-status").textContent()).toBe("scheduled");
    // The page polls every 2 s: the numbers arrive without a reload.
    const stat = (name: string) => page.locator(`[data-stat="${name}"]`).textContent();
    await expect.poll(() => stat("targeted"), { timeout: 30_000 }).toBe("3");
    await expect.poll(() => stat("sent"), { timeout: 30_000 }).toBe("1");
    await expect.poll(() => stat("pruned"), { timeout: 30_000 }).toBe("1");
    await expect
      .poll(() => page.locator("#failures").textContent(), { timeout: 30_000 })
      .toBe("SENDER_ID_MISMATCH: 1");
    await expect.poll(() => page.locator("#campaign-status").textContent(), { timeout: 30_000 }).toBe("sent");
    await shot("campaign-funnel");
    const audit = await query<{ action: string }>(
      worker,
      "SELECT action FROM audit_log WHERE action = 'campaign.created'",
    );
    expect(audit).toHaveLength(1);
  });

  it("shows the API's validation errors next to the fields and creates nothing", async () => {
    const before = await query(worker, "SELECT id FROM push_campaigns");
    await page.goto(`${worker.url}/console/campaigns`);
    await page.getByLabel("Title", { exact: true }).fill("Broken");
    await page.getByLabel("App version range", { exact: true }).fill("three");
    await page.getByRole("button", { name: "Create campaign" }).click();
    const error = page.locator("#f-appVersion-error");
    await expect.poll(() => error.textContent()).toContain("must be a valid semver range");
    expect(await page.getByLabel("App version range", { exact: true }).getAttribute("aria-invalid")).toBe(
      "true",
    );
    expect(await query(worker, "SELECT id FROM push_campaigns")).toEqual(before);
  });

  it("cancels a campaign scheduled for later", async () => {
    await page.goto(`${worker.url}/console/campaigns`);
    await page.getByLabel("Title", { exact: true }).fill("Tomorrow");
    await page.getByLabel("Body", { exact: true }).fill("Not yet");
    await page.getByLabel("At each device's local time", { exact: true }).check();
    await page.getByLabel("Local time", { exact: true }).fill("09:30");
    await page.getByRole("button", { name: "Create campaign" }).click();
    await expect.poll(() => page.locator("#campaign-status").textContent()).toBe("scheduled");
    await page.getByRole("button", { name: "Cancel campaign" }).click();
    await expect.poll(() => page.locator("#campaign-status").textContent()).toBe("cancelled");
    await page.goto(`${worker.url}/console/campaigns`);
    await shot("campaigns");
  });

  it("edits a flag, previews it for a device, and rolls it back in one click", async () => {
    const flagFor = async () =>
      (
        await fetchJson<{ flags: Record<string, unknown> }>(worker.url, "/v1/config", {
          headers: { "X-Platform": "ios" },
        })
      ).body.flags.newCheckout;
    const save = async (config: unknown) => {
      await page.goto(`${worker.url}/console/config`);
      await page.getByLabel("Config JSON", { exact: true }).fill(JSON.stringify(config, null, 2));
      await page.getByRole("button", { name: "Save config" }).click();
      await expect
        .poll(() => page.getByRole("heading", { level: 1 }).textContent())
        .toMatch(/^Config revision \d+$/);
      return Number(/(\d+)$/.exec((await page.getByRole("heading", { level: 1 }).textContent()) ?? "")?.[1]);
    };
    const off = await save({ flags: { newCheckout: { default: false, rules: [] } } });
    const on = await save({
      flags: {
        newCheckout: { default: false, rules: [{ platforms: ["ios"], appVersion: ">=3.0.0", value: true }] },
      },
    });
    expect(on).toBe(off + 1);
    const diff = (await page.getByLabel("Diff", { exact: true }).textContent()) ?? "";
    expect(diff).toMatch(/^\+ +"value": true$/m);
    expect(diff).toMatch(/^- +"rules": \[\]$/m);
    await shot("config-revision");

    // A bad edit is refused with the API's message next to the field.
    await page.goto(`${worker.url}/console/config`);
    await page
      .getByLabel("Config JSON", { exact: true })
      .fill('{"flags": {"newCheckout": {"default": false, "rules": [{"value": 1}]}}}');
    await page.getByRole("button", { name: "Save config" }).click();
    await expect
      .poll(() => page.locator("#config-error").textContent())
      .toContain("must have the same type as default (boolean)");

    // Preview what an iOS 3.2 device gets.
    await page.goto(`${worker.url}/console/config`);
    await page.getByLabel("Platform", { exact: true }).selectOption("ios");
    await page.getByLabel("App version", { exact: true }).fill("3.2.0");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect
      .poll(async () => JSON.parse((await page.locator("#preview-result").textContent()) ?? "{}").flags)
      .toEqual({
        newCheckout: true,
      });
    await shot("config");

    await page.goto(`${worker.url}/console/config/revisions/${off}`);
    await page.getByRole("button", { name: `Roll back to revision ${off}` }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe(`Config revision ${on + 1}`);
    // Live for the apps at once (this isolate stores it).
    expect(await flagFor()).toBe(false);
    const audit = await query<{ action: string; details: string }>(
      worker,
      "SELECT action, details FROM audit_log WHERE action = 'config.rolled_back'",
    );
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ restored: off, revision: on + 1 });
  });

  it("finds a user by email and shows why a push did not reach their phone", async () => {
    await page.goto(`${worker.url}/console/users`);
    await page.getByLabel("User id or email", { exact: true }).fill(bob.email);
    await page.getByRole("button", { name: "Find user" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`User ${bob.email}`);
    const device = page.getByRole("article", { name: `Device ${bob.deviceId}` });
    const row = device.getByRole("row", { name: /Spring sale/ });
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("failed");
    expect(await row.getByRole("cell").nth(2).textContent()).toBe("SENDER_ID_MISMATCH");
    await shot("user");

    await page.goto(`${worker.url}/console/users?q=${encodeURIComponent(carol.userId)}`);
    const carolDevice = page.getByRole("article", { name: `Device ${carol.deviceId}` });
    expect(await carolDevice.textContent()).toContain("pruned");
  });

  it("revokes a user's session: their refresh fails and their device is unlinked", async () => {
    await page.goto(`${worker.url}/console/users/${encodeURIComponent(alice.userId)}`);
    await page.getByRole("button", { name: `Revoke session on ${alice.deviceId}` }).click();
    await expect.poll(() => page.getByRole("row", { name: /revoked \(revoked\)/ }).count()).toBe(1);
    expect(await page.getByRole("article", { name: `Device ${alice.deviceId}` }).textContent()).toContain(
      "unlinked",
    );
    const refresh = await fetchJson<{ code: string }>(worker.url, "/v1/auth/refresh", {
      method: "POST",
      json: { refreshToken: alice.refreshToken },
    });
    expect(refresh.status).toBe(401);
    const audit = await query<{ subject: string }>(
      worker,
      "SELECT subject FROM audit_log WHERE action = 'user_session.revoked'",
    );
    expect(audit).toHaveLength(1);
  });

  it("shows a sync space's members, version, record counts and recent changes", async () => {
    const owner = {
      base: worker.url,
      name: "carol",
      userId: carol.userId,
      accessToken: carol.accessToken,
      deviceId: carol.deviceId,
      platform: "ios" as const,
      appVersion: "3.0.0",
    };
    const created = await fetchJson<{ id: string }>(worker.url, "/v1/spaces", {
      method: "POST",
      token: carol.accessToken,
      json: { name: "Road trip" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const added = await fetchJson(worker.url, `/v1/spaces/${created.body.id}/members`, {
      method: "POST",
      token: carol.accessToken,
      json: { userId: bob.userId, role: "viewer" },
    });
    expect(added.status, JSON.stringify(added.body)).toBeLessThan(300);
    const replica = new AppReplica(owner, created.body.id);
    replica.edit("put", "tasks", "fuel", { title: "Fuel", done: false });
    replica.edit("put", "tasks", "snacks", { title: "Snacks", done: true });
    replica.edit("put", "notes", "route", { title: "Route", body: "Via Lyon" });
    replica.edit("delete", "tasks", "snacks");
    const pushed = await replica.push();
    expect(pushed.status).toBe(200);
    expect(pushed.body.results.map((r) => r.status)).toEqual(["applied", "applied", "applied", "applied"]);

    await page.goto(`${worker.url}/console/spaces`);
    await page.getByLabel("Space id or name", { exact: true }).fill("Road");
    await page.getByRole("button", { name: "Find space" }).click();
    await page.getByRole("link", { name: "Road trip" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Space Road trip");
    expect(await page.locator("#space-version").textContent()).toBe(String(pushed.body.version));
    const cells = (collection: string) =>
      page
        .getByRole("row", { name: new RegExp(`^${collection}`) })
        .getByRole("cell")
        .allTextContents();
    expect(await cells("tasks")).toEqual(["1", "1"]);
    expect(await cells("notes")).toEqual(["1", "0"]);
    expect(await page.locator("#changes tbody tr").count()).toBe(3);
    expect(await page.getByRole("listitem").filter({ hasText: "viewer" }).textContent()).toContain(bob.email);
    await shot("space");
  });

  it("lists every change in the audit log, and works on a phone screen", async () => {
    await page.goto(`${worker.url}/console/audit`);
    const actions = await page.locator("#audit tbody tr td:nth-child(3)").allTextContents();
    expect(actions).toEqual(
      expect.arrayContaining([
        "console.signed_in",
        "campaign.created",
        "campaign.cancelled",
        "config.replaced",
        "config.rolled_back",
        "user_session.revoked",
      ]),
    );
    await shot("audit");
    await page.goto(`${worker.url}/console/health`);
    await shot("health");

    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const path of [
      "/console/campaigns",
      "/console/config",
      `/console/users/${encodeURIComponent(bob.userId)}`,
    ]) {
      await phone.goto(`${worker.url}${path}`);
      const overflow = await phone.evaluate<number>(
        "document.documentElement.scrollWidth - window.innerWidth",
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await phone.goto(`${worker.url}/console/campaigns`);
    await shot("campaigns-phone", phone);
    await phone.close();
    // Every control has a label the tests could drive it by, and the CSP never had to block anything.
    expect(errors).toEqual([]);
  });

  it("signs out: the cookie is gone and the pages ask for the key again", async () => {
    await page.goto(`${worker.url}/console/campaigns`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in");
    expect((await context.cookies()).some((c) => c.name === "__Host-outpost_console")).toBe(false);
    await page.goto(`${worker.url}/console/config`);
    expect(await page.getByLabel("Admin key", { exact: true }).count()).toBe(1);
  });

  it("can be used with the keyboard alone: sign in, then reach the nav", async () => {
    await page.goto(`${worker.url}/console`);
    const focused = () =>
      page.evaluate<string>("document.activeElement?.id || document.activeElement?.textContent || ''");
    for (let i = 0; i < 5 && (await focused()) !== "key"; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("key");
    await page.keyboard.type(worker.adminKey);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Campaigns");
    // First stop: the skip link; then the nav, in order.
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Campaigns");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Config");
  });
});
