import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type DemoServer, serveDemoBuild } from "../../scripts/lib/demo-server";
import { launchBrowser } from "./browser";
import { ROOT, type StartedWorker, startWorker } from "./start-worker";

/**
 * The demo app (examples/demo) in headless Chromium against the real Worker: two users share a
 * space, one goes offline, both edit, the network comes back, and both screens converge. The
 * page is driven only by labels and roles, as a person (or a screen reader) would.
 */

/** Screenshots kept for people to look at (git-ignored; CI can keep the folder as an artefact). */
const ARTIFACTS = join(ROOT, "test", "artifacts");
const SYNC_TIMEOUT = 20_000;

let worker: StartedWorker;
let demo: DemoServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Uncaught errors in any page: a demo bug even when the screen looks right. */
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  worker = await startWorker();
  demo = await serveDemoBuild({ apiUrl: worker.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await demo?.close();
  await worker?.stop();
});

async function openDemo(): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 720, height: 1100 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${demo.url}/`);
  return { page, context };
}

async function signIn(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Sign in anonymously" }).click();
  const userId = page.getByLabel("Your user id");
  await expect.poll(() => userId.textContent(), { timeout: SYNC_TIMEOUT }).toMatch(/\S{8,}/);
  return (await userId.textContent()) ?? "";
}

async function addTask(page: Page, title: string): Promise<void> {
  await page.getByLabel("New task").fill(title);
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByRole("list", { name: "Tasks" }).getByText(title, { exact: true }).waitFor();
}

/** The task list as the person sees it: title and whether it is ticked, in screen order. */
async function tasksOn(page: Page): Promise<string[]> {
  return page
    .getByRole("list", { name: "Tasks" })
    .getByRole("listitem")
    .evaluateAll((items) =>
      items.map((li) => {
        const done = (li.querySelector("input[type=checkbox]") as { checked?: boolean } | null)?.checked;
        return `${done ? "[x]" : "[ ]"} ${li.querySelector(".title")?.textContent ?? ""}`;
      }),
    );
}

const pendingOn = async (page: Page) => Number(await page.getByLabel("Pending changes").textContent());
const connectionOn = (page: Page) => page.getByLabel("Connection").textContent();

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `demo-${name}.png`), fullPage: true });
}

describe("the demo app in a browser", () => {
  it(
    "keeps two users' screens of a shared space in step across an offline period",
    { timeout: 120_000 },
    async () => {
      const alice = await openDemo();
      const bob = await openDemo();
      // What each screen showed when it failed: the picture and the Events list.
      onTestFailed(async () => {
        for (const [name, { page }] of Object.entries({ alice, bob })) {
          await screenshot(page, `failed-${name}`).catch(() => undefined);
          const events = await page
            .getByRole("list", { name: "Events" })
            .textContent()
            .catch(() => "");
          console.error(`${name}'s events: ${events}`);
        }
      });
      await signIn(alice.page);
      const bobId = await signIn(bob.page);

      // Alice creates a shared space and adds Bob by the user id his screen shows.
      await alice.page.getByLabel("New space name").fill("Groceries");
      await alice.page.getByRole("button", { name: "Create space" }).click();
      const spaceIdOutput = alice.page.getByLabel("Space id");
      await expect.poll(() => spaceIdOutput.textContent(), { timeout: SYNC_TIMEOUT }).not.toBe("me");
      const spaceId = (await spaceIdOutput.textContent()) ?? "";
      await alice.page.getByLabel("Member user id").fill(bobId);
      await alice.page.getByRole("button", { name: "Add member" }).click();
      await alice.page.getByRole("list", { name: "Events" }).getByText(`Added ${bobId}`).waitFor();

      // Bob refreshes his spaces and opens it.
      await bob.page.getByRole("button", { name: "Refresh spaces" }).click();
      await bob.page
        .getByLabel("Space", { exact: true })
        .locator(`option[value="${spaceId}"]`)
        .waitFor({ state: "attached" });
      await bob.page.getByLabel("Space", { exact: true }).selectOption(spaceId);
      await expect.poll(() => bob.page.getByLabel("Space id").textContent()).toBe(spaceId);

      // Online: an edit on one screen reaches the other (a poke, then a pull).
      await addTask(alice.page, "Milk");
      await expect.poll(() => tasksOn(bob.page), { timeout: SYNC_TIMEOUT }).toEqual(["[ ] Milk"]);
      await screenshot(alice.page, "1-online-alice");

      // Bob's network is cut; both keep editing.
      await bob.context.setOffline(true);
      await addTask(bob.page, "Bread");
      await bob.page.getByRole("checkbox", { name: "Done: Milk" }).check();
      await addTask(alice.page, "Eggs");
      await expect.poll(() => pendingOn(bob.page), { timeout: SYNC_TIMEOUT }).toBe(2);
      await expect.poll(() => connectionOn(bob.page), { timeout: SYNC_TIMEOUT }).toBe("Offline");
      // Bob's screen shows his own edits at once, and nothing of Alice's while offline.
      expect(await tasksOn(bob.page)).toEqual(expect.arrayContaining(["[x] Milk", "[ ] Bread"]));
      expect(await tasksOn(bob.page)).not.toContain("[ ] Eggs");
      await screenshot(bob.page, "2-offline-bob");

      // Back online: Bob's queue is pushed, both pull, and the two screens agree.
      await bob.context.setOffline(false);
      await expect.poll(() => pendingOn(bob.page), { timeout: SYNC_TIMEOUT }).toBe(0);
      const expected = ["[x] Milk", "[ ] Bread", "[ ] Eggs"].sort();
      await expect
        .poll(async () => (await tasksOn(alice.page)).sort(), { timeout: SYNC_TIMEOUT })
        .toEqual(expected);
      await expect
        .poll(async () => (await tasksOn(bob.page)).sort(), { timeout: SYNC_TIMEOUT })
        .toEqual(expected);
      // Same keys, so the same order on both screens.
      expect(await tasksOn(bob.page)).toEqual(await tasksOn(alice.page));
      expect(await connectionOn(bob.page)).toMatch(/^Online/);
      await screenshot(alice.page, "3-synced-alice");
      await screenshot(bob.page, "3-synced-bob");
      expect(pageErrors).toEqual([]);
    },
  );

  it(
    "launches offline with the edits a closed tab queued, and sends them when the network returns",
    { timeout: 120_000 },
    async () => {
      const { page, context } = await openDemo();
      await signIn(page);
      await addTask(page, "Call the plumber");
      await expect.poll(() => pendingOn(page), { timeout: SYNC_TIMEOUT }).toBe(0);
      // The production build caches its shell through a service worker on the first load.
      await expect
        .poll(() => page.evaluate("caches.match('/').then((shell) => shell !== undefined)"), {
          timeout: SYNC_TIMEOUT,
        })
        .toBe(true);

      await context.setOffline(true);
      await addTask(page, "Written offline");
      await page.getByRole("checkbox", { name: "Done: Call the plumber" }).check();
      await expect.poll(() => pendingOn(page), { timeout: SYNC_TIMEOUT }).toBe(2);
      // The app is killed with two edits queued in IndexedDB, and launched again with no network.
      await page.close();
      const again = await context.newPage();
      again.on("pageerror", (error) => pageErrors.push(error.message));
      await again.goto(`${demo.url}/`);
      await again.getByLabel("Your user id").waitFor();
      expect(await tasksOn(again)).toEqual(["[x] Call the plumber", "[ ] Written offline"]);
      expect(await pendingOn(again)).toBe(2);
      await expect.poll(() => connectionOn(again), { timeout: SYNC_TIMEOUT }).toBe("Offline");
      await screenshot(again, "4-offline-launch");

      await context.setOffline(false);
      await expect.poll(() => pendingOn(again), { timeout: SYNC_TIMEOUT }).toBe(0);
      expect(await tasksOn(again)).toEqual(["[x] Call the plumber", "[ ] Written offline"]);
      // Three changes on the server: both puts and the patch, each applied once.
      await expect.poll(() => again.getByLabel("Space version").textContent()).toBe("3");
      await screenshot(again, "5-back-online");
      expect(pageErrors).toEqual([]);
    },
  );
});
