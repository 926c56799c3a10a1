import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { consoleCookie } from "./console-helpers";
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

/**
 * A console session for the browser: signed in over HTTP (the console's own tests cover the form),
 * its `__Host-` cookie put in the browser's store for `localhost`, which Chromium treats as a
 * secure origin over plain HTTP (it refuses a Secure cookie for 127.0.0.1).
 */
async function signIn(page: Page): Promise<string> {
  const [name = "", value = ""] = (await consoleCookie(worker)).split("=", 2);
  await page
    .context()
    .addCookies([
      { name, value, domain: "localhost", path: "/", secure: true, httpOnly: true, sameSite: "Strict" },
    ]);
  return worker.url.replace("127.0.0.1", "localhost");
}

describe("console health page", () => {
  it("charts requests, errors, latency, sync and push from the local metrics source", async () => {
    // Traffic to chart: successes and a 404 (a 4xx is the caller's, not a server error).
    for (let i = 0; i < 5; i++) expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/v1/nothing-here`)).status).toBe(404);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") violations.push(msg.text());
    });
    try {
      const base = await signIn(page);
      await page.goto(`${base}/console/health`);
      await expect.poll(() => page.title()).toContain("Health");
      expect(await page.getByRole("link", { name: "Health" }).getAttribute("aria-current")).toBe("page");
      // Four charts, each an image with an accessible name and a description in words.
      for (const name of ["Requests and server errors", "Request latency", "Sync", "Push notifications"]) {
        await expect.poll(() => page.getByRole("img", { name, exact: true }).count()).toBe(1);
      }
      const requestsChart = page.getByRole("img", { name: "Requests and server errors", exact: true });
      expect(await requestsChart.locator("polyline, circle").count()).toBeGreaterThan(0);
      expect(await page.locator("#chart-requests-desc").textContent()).toMatch(/requests: latest \d+/);
      // The totals count this test's requests (the page's own requests come on top).
      const total = Number(await page.locator("dt:text-is('Requests') + dd").textContent());
      expect(total).toBeGreaterThanOrEqual(6);
      expect(await page.locator("dt:text-is('Server errors') + dd").textContent()).toBe("0 (0.00%)");
      expect(await page.getByText("Source: the local MetricsCounter Durable Object").count()).toBe(1);
      // The numbers are there for screen readers too.
      await page.getByText("Requests and server errors: the numbers").click();
      expect(await page.locator("table").first().locator("tbody tr").count()).toBeGreaterThan(0);
      await page.screenshot({ path: "test/artifacts/console-health-phone.png", fullPage: true });

      // A longer window, chosen with the labelled control.
      await page.getByLabel("Time window").selectOption({ label: "Last 6 hours" });
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(/minutes=360/);
      expect(await page.getByText("Steps of 5 minutes").count()).toBe(1);
      // Nothing on the page broke the CSP (no inline script or style).
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("is only for a signed-in console session", async () => {
    const res = await fetch(`${worker.url}/console/health`, { redirect: "manual" });
    expect([302, 303, 401]).toContain(res.status);
    expect(await res.text()).not.toContain("<svg");
  });
});
