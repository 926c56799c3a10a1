import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

// The QA page's App Store buttons, driven in a real browser against a running worker: each click
// makes the fake App Store sign a notification and POST it to the worker's webhook.

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

describe("the QA page's store buttons", () => {
  it("fire a purchase and a refund for a user id, and list both with the webhook's answer", async () => {
    const signIn = await fetchJson<{ accessToken: string; user: { id: string } }>(
      worker.url,
      "/v1/auth/anonymous",
      {
        method: "POST",
        json: {},
      },
    );
    const { accessToken: token, user } = signIn.body;
    const pro = async () =>
      (
        await fetchJson<{ entitlements: { id: string; active: boolean }[] }>(worker.url, "/v1/entitlements", {
          token,
        })
      ).body.entitlements;

    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${worker.fakes.controlUrl}/`);
      // Scoped to the App Store's form: the page may carry other stores' forms with the same labels.
      const form = page.getByRole("form", { name: "App Store purchase" });
      await form.getByLabel("User id").fill(user.id);
      await form.getByLabel("Webhook").fill(`${worker.url}/v1/webhooks/app-store`);

      await form.getByRole("button", { name: "Purchase", exact: true }).click();
      await expect
        .poll(() => page.locator("#store-result").textContent())
        .toBe("SUBSCRIBED/INITIAL_BUY → webhook 200");
      expect(await pro()).toEqual([expect.objectContaining({ id: "pro", active: true })]);

      await form.getByRole("button", { name: "Refund", exact: true }).click();
      await expect.poll(() => page.locator("#store-result").textContent()).toBe("REFUND → webhook 200");
      expect(await pro()).toEqual([expect.objectContaining({ id: "pro", active: false })]);

      // The refreshed list shows both, newest first, each with the webhook's status.
      await expect
        .poll(async () => page.locator("#store-sent tbody tr").count(), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
      const rows = await page.locator("#store-sent tbody tr").allTextContents();
      expect(rows[0]).toContain("REFUND");
      expect(rows[0]).toContain("200");
      expect(rows[1]).toContain("SUBSCRIBED/INITIAL_BUY");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
