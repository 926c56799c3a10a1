import { createRouter } from "../openapi";
import { PAGE_CSP } from "../http/page-csp";

/**
 * `GET /docs`: the API reference, rendered by Swagger UI from `/openapi.json`. Every file it loads
 * is ours: Swagger UI comes from Workers Static Assets under /docs-ui/ (copied from the
 * lock-file-pinned `swagger-ui-dist` by scripts/docs-assets.ts), started by /docs-ui/init.js, so the
 * page needs no inline script and no CDN, and works on a machine without internet.
 */
export const docsRoutes = createRouter();

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Outpost API</title>
    <link rel="stylesheet" href="/docs-ui/swagger-ui.css">
    <script src="/docs-ui/swagger-ui-bundle.js" defer></script>
    <script src="/docs-ui/init.js" defer></script>
  </head>
  <body>
    <main id="docs"><noscript>The API reference needs JavaScript; the document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript></main>
  </body>
</html>
`;

docsRoutes.get("/docs", (c) => {
  c.header("Content-Security-Policy", PAGE_CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cache-Control", "no-cache");
  return c.html(PAGE);
});
