import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProviders, type FakeProviders } from "../fakes";
import {
  mintApnsProviderToken,
  mintFcmAccessToken,
  parseServiceAccount,
  sendApns,
  sendFcm,
} from "../fakes/clients";
import { launchBrowser } from "./browser";

const HOSTILE_TITLE = '<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true">';

let fakes: FakeProviders;
let browser: Browser;

async function pushFcm(token: string, message: Record<string, unknown>): Promise<void> {
  const sa = parseServiceAccount(fakes.fcm.serviceAccount);
  const accessToken = await mintFcmAccessToken(fakes.fcm.serviceAccount);
  const res = await sendFcm(fakes.fcm.apiBase, sa.project_id, accessToken, {
    message: { token, ...message },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

let providerToken: string | undefined;
async function pushApns(token: string, headers: Record<string, string>, payload: unknown): Promise<void> {
  providerToken ??= await mintApnsProviderToken(fakes.apns);
  const res = await sendApns(
    fakes.apns.apiBase,
    token,
    providerToken,
    { "apns-topic": fakes.apns.bundleId, ...headers },
    payload,
  );
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await fakes?.close();
});

describe("the fake providers' QA page", () => {
  it("lists every push received, newest first, with hostile content shown as text", async () => {
    const fcmToken = `fcm_${randomBytes(20).toString("base64url")}`;
    const apnsToken = randomBytes(32).toString("hex");
    await pushFcm(fcmToken, {
      notification: { title: HOSTILE_TITLE, body: "Your order shipped" },
      data: { orderId: "42" },
      android: { priority: "high", collapse_key: "orders" },
    });
    await pushApns(
      apnsToken,
      { "apns-push-type": "background", "apns-priority": "5" },
      { aps: { "content-available": 1 }, sync: "tasks" },
    );

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(fakes.controlUrl, { waitUntil: "load" });

    const rows = page.locator("#rows tr");
    await expect.poll(() => rows.count()).toBe(2);
    // Newest first: the APNs background push arrived last.
    expect(await rows.nth(0).getAttribute("data-provider")).toBe("apns");
    expect(await rows.nth(1).getAttribute("data-provider")).toBe("fcm");
    const apnsRow = await rows.nth(0).innerText();
    expect(apnsRow).toContain("silent / background");
    expect(apnsRow).toContain("ios");
    expect(apnsRow).toContain(apnsToken.slice(0, 10));
    const fcmRow = await rows.nth(1).innerText();
    expect(fcmRow).toContain("android");
    expect(fcmRow).toContain("Your order shipped");
    expect(fcmRow).toContain('{"orderId":"42"}');
    expect(fcmRow).toContain("orders");
    expect(fcmRow).toContain("high");

    // The hostile title is text on the page, not markup: no script ran, no element was created.
    expect(await rows.nth(1).locator(".title").innerText()).toBe(HOSTILE_TITLE);
    expect(await page.locator("#rows script, #rows img").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await page.locator("#count-total").innerText()).toBe("2");
    expect(errors).toEqual([]);

    // The page refreshes itself: a push sent now shows up on top without a reload.
    await pushApns(
      randomBytes(32).toString("hex"),
      { "apns-push-type": "alert", "apns-collapse-id": "greeting" },
      { aps: { alert: { title: "Arrived later", body: "while the page was open" } } },
    );
    await expect.poll(() => rows.nth(0).innerText(), { timeout: 10_000 }).toContain("Arrived later");
    expect(await rows.count()).toBe(3);
    expect(await page.locator("#count-total").innerText()).toBe("3");
    expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).toBeUndefined();
    await page.close();
  });
});
