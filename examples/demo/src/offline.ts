/** Must match public/sw.js. */
const CACHE = "outpost-demo-shell";

/**
 * Lets the app launch without a network (built app only, not the dev server): registers the service worker
 * and puts the page and the scripts and styles it loaded into its cache at once, since this
 * first load happened before the worker could see it.
 */
export function enableOfflineLaunch(): void {
  // `import.meta.hot` exists only under Vite's dev server, which reloads modules on its own; a
  // build has no `hot` whatever NODE_ENV it was made under (the tests build under "test").
  if (import.meta.hot || !("serviceWorker" in navigator) || !("caches" in window)) return;
  navigator.serviceWorker
    .register("/sw.js")
    .catch((error: unknown) => console.warn("service worker:", error));
  const shell = [
    "/",
    ...Array.from(document.querySelectorAll<HTMLScriptElement>("script[src]"), (s) => s.src),
    ...Array.from(document.querySelectorAll<HTMLLinkElement>("link[rel=stylesheet]"), (l) => l.href),
  ];
  caches
    .open(CACHE)
    .then((cache) => cache.addAll(shell))
    .catch((error: unknown) => console.warn("offline cache:", error));
}
