import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type DemoServer, serveDemoBuild } from "../../scripts/lib/demo-server";
import { launchBrowser } from "./browser";
import { ROOT, type StartedWorker, startWorker } from "./start-worker";

/**
 * The demo app (examples/demo), production build, in headless Chromium against the real Worker:
 * two users share a space, one goes offline, both edit, the network comes back, and both screens
 * converge; a tab closed offline launches again without a network and sends its queue later; a
 * viewer's refused edit is reported and rolled back. The page is driven only by labels and roles,
 * as a person (or a screen reader) would.
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

/** What each screen showed if the test fails: the picture, and the Events list in the log. */
function keepScreensOnFailure(pages: Record<string, Page>): void {
  onTestFailed(async () => {
    for (const [name, page] of Object.entries(pages)) {
      await screenshot(page, `failed-${name}`).catch(() => undefined);
      const events = await page
        .getByRole("list", { name: "Events" })
        .textContent()
        .catch(() => "");
      console.error(`${name}'s events: ${events}`);
    }
  });
}

/**
 * Both sign in; the owner creates a shared space and adds the member by the user id the member's
 * screen shows; the member refreshes the space list and opens it.
 */
async function shareSpace(owner: Page, member: Page, name: string, role: "editor" | "viewer"): Promise<void> {
  await signIn(owner);
  const memberId = await signIn(member);
  await owner.getByLabel("New space name").fill(name);
  await owner.getByRole("button", { name: "Create space" }).click();
  const spaceIdOutput = owner.getByLabel("Space id");
  await expect.poll(() => spaceIdOutput.textContent(), { timeout: SYNC_TIMEOUT }).not.toBe("me");
  const spaceId = (await spaceIdOutput.textContent()) ?? "";
  await owner.getByLabel("Member user id").fill(memberId);
  await owner.getByLabel("Role").selectOption(role);
  await owner.getByRole("button", { name: "Add member" }).click();
  await owner.getByRole("list", { name: "Events" }).getByText(`Added ${memberId}`).waitFor();

  await member.getByRole("button", { name: "Refresh spaces" }).click();
  const picker = member.getByLabel("Space", { exact: true });
  await picker.locator(`option[value="${spaceId}"]`).waitFor({ state: "attached" });
  await picker.selectOption(spaceId);
  await expect.poll(() => member.getByLabel("Space id").textContent()).toBe(spaceId);
}

describe("the demo app in a browser", () => {
  it(
    "keeps two users' screens of a shared space in step across an offline period",
    { timeout: 120_000 },
    async () => {
      const alice = await openDemo();
      const bob = await openDemo();
      keepScreensOnFailure({ alice: alice.page, bob: bob.page });
      await shareSpace(alice.page, bob.page, "Groceries", "editor");

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

  it(
    "shows a viewer's refused edit as an event and rolls it back on screen",
    { timeout: 120_000 },
    async () => {
      const alice = await openDemo();
      const bob = await openDemo();
      keepScreensOnFailure({ alice: alice.page, bob: bob.page });
      await shareSpace(alice.page, bob.page, "Notice board", "viewer");
      await addTask(alice.page, "Read me");
      await expect.poll(() => tasksOn(bob.page), { timeout: SYNC_TIMEOUT }).toEqual(["[ ] Read me"]);

      // Viewers may pull but not push: the server refuses, the SDK reports `rejected` and rolls back.
      await bob.page.getByLabel("New task").fill("Not allowed");
      await bob.page.getByRole("button", { name: "Add task" }).click();
      await bob.page
        .getByRole("list", { name: "Events" })
        .getByText(/Rejected \(forbidden\): saving task “Not allowed”; rolled back/)
        .waitFor();
      await expect.poll(() => tasksOn(bob.page), { timeout: SYNC_TIMEOUT }).toEqual(["[ ] Read me"]);
      expect(await pendingOn(bob.page)).toBe(0);
      expect(await tasksOn(alice.page)).toEqual(["[ ] Read me"]);
      await screenshot(bob.page, "6-viewer-rejected");
      expect(pageErrors).toEqual([]);
    },
  );
});
