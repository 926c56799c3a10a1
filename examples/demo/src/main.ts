import { indexedDbStorage, Outpost } from "@outpost/client";
import { mountApp } from "./app";
import { h } from "./dom";
import { enableOfflineLaunch } from "./offline";

const root = document.getElementById("app");

function showProblem(message: string): void {
  root?.replaceChildren(h("h1", {}, "Outpost demo"), h("p", { role: "alert" }, message));
  root?.removeAttribute("aria-busy");
}

/**
 * One tab per browser profile: every tab of this origin shares the IndexedDB database, and the
 * demo keeps one `Outpost` per tab. A second user belongs in a private window or another browser
 * (their own storage); the lock says so instead of letting two tabs interleave one user's queue.
 */
async function holdTabLock(): Promise<boolean> {
  if (!navigator.locks) return true;
  return new Promise((granted) => {
    void navigator.locks.request("outpost-demo", { ifAvailable: true }, (lock) => {
      granted(lock !== null);
      // Held until the tab closes.
      return lock ? new Promise<void>(() => undefined) : undefined;
    });
  });
}

/** The browser's language as a BCP 47 tag (headless Chromium on a POSIX host says `en-US@posix`). */
function browserLocale(): string {
  for (const tag of navigator.languages ?? [navigator.language]) {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag.split("@")[0]);
      if (canonical) return canonical;
    } catch {
      // Not a language tag: try the next.
    }
  }
  return "en";
}

async function main(): Promise<void> {
  if (!root) return;
  enableOfflineLaunch();
  if (!(await holdTabLock())) {
    showProblem(
      "The demo is already open in another tab of this browser. Use that tab, or open a private " +
        "window (or another browser) to be a second user.",
    );
    return;
  }
  /**
   * The demo stands in for the Android app (so flags and campaigns that target `android` reach
   * it) at an app version every seeded rule accepts. The API is reached on this page's own
   * origin: the Vite server proxies `/v1` to the Worker, so the Worker needs no CORS.
   */
  const outpost = new Outpost({
    baseUrl: window.location.origin,
    storage: indexedDbStorage("outpost-demo"),
    platform: "android",
    appVersion: "3.2.1",
    locale: browserLocale(),
    hints: () => ({ dpr: window.devicePixelRatio, viewportWidth: window.innerWidth }),
  });
  try {
    await outpost.ready;
  } catch (error) {
    showProblem(
      `Local storage could not be opened: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }
  mountApp(root, outpost);
}

void main();
