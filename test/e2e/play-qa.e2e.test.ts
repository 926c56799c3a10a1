import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

/**
 * The QA page's Google Play controls against a running Worker over real sockets: each button
 * makes the fake Play change the purchase and send Google's signed Pub/Sub push to
 * /v1/webhooks/play, and the user's entitlements follow.
 */

let worker: StartedWorker;
let browser: Browser;

beforeAll(async () => {
  worker = await startWorker();
  const res = await fetch(`${worker.fakes.controlUrl}/play/webhook-url`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${worker.url}/v1/webhooks/play` }),
  });
  expect(res.status).toBe(200);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

interface Entitlement {
  id: string;
  active: boolean;
  source: string;
  productId: string;
  willRenew: boolean;
}

describe("the QA page's Google Play controls", () => {
  it("buys, cancels and refunds pro for a user through signed Pub/Sub pushes", async () => {
    const signedIn = await fetchJson<{ accessToken: string; user: { id: string } }>(
      worker.url,
      "/v1/auth/anonymous",
      {
        method: "POST",
        json: { deviceId: crypto.randomUUID() },
      },
    );
    expect(signedIn.status).toBe(200);
    const { accessToken, user } = signedIn.body;
    const pro = async () =>
      (
        await fetchJson<{ entitlements: Entitlement[] }>(worker.url, "/v1/entitlements", {
          token: accessToken,
        })
      ).body.entitlements.find((e) => e.id === "pro");

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(worker.fakes.controlUrl, { waitUntil: "load" });
    const fire = async (button: string) => {
      const form = page.getByRole("form", { name: "Google Play purchase" });
      await form.getByLabel("User id").fill(user.id);
      await form.getByLabel("Product id").fill("com.example.pro.monthly");
      await form.getByRole("button", { name: button, exact: true }).click();
      await page.waitForLoadState("load");
    };

    await fire("Purchase");
    expect(await pro()).toMatchObject({ active: true, source: "play", willRenew: true });
    const deliveries = page.locator("#play-deliveries tbody tr");
    await expect.poll(() => deliveries.nth(0).innerText()).toContain("200");
    expect(await page.locator("#play-purchases tbody tr").nth(0).innerText()).toContain("ACTIVE");

    await fire("Cancel (no renewal)");
    expect(await pro()).toMatchObject({ active: true, willRenew: false });

    await fire("Refund (void)");
    expect((await pro())?.active).toBe(false);
    await expect.poll(() => deliveries.count()).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  });
});
