/* global self, caches, fetch, URL, Response */
/**
 * The demo's service worker, registered by production builds only (the dev server reloads
 * modules on its own). Network first, so an online page is always current; offline, the app
 * shell comes from the cache, so the app launches and shows its IndexedDB data without a
 * network. API calls (`/v1/…`) are never cached: offline they fail, and the SDK queues and
 * retries. The page itself puts the shell in the cache on its first load (see src/offline.ts).
 */
const CACHE = "outpost-demo-shell";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (
    event.request.method !== "GET" ||
    url.origin !== self.location.origin ||
    url.pathname.startsWith("/v1/")
  ) {
    return;
  }
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(event.request, copy)));
        }
        return response;
      })
      .catch(async () => {
        // A navigation to any path of the app gets the shell. `ignoreVary`: the shell was cached
        // by the page without an Origin header, module scripts are requested with one.
        const cached =
          (await caches.match(event.request, { ignoreSearch: true, ignoreVary: true })) ??
          (event.request.mode === "navigate" ? await caches.match("/") : undefined);
        return cached ?? Response.error();
      }),
  );
});
