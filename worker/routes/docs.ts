import { createRouter } from "../openapi";
import { PAGE_CSP } from "../http/page-csp";

/**
 * `GET /docs`: the API reference, rendered by Swagger UI from `/openapi.json`. Every file it loads
 * is ours: Swagger UI is served under /docs-ui/ from the Worker's own docs chunk (built from the
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

/** The docs UI's files as the chunk holds them (see scripts/docs-assets.ts). */
interface DocsFile {
  type: string;
  etag: string;
  gzip: string;
}
interface DocsChunk {
  VERSION: string;
  FILES: Record<string, DocsFile>;
}

/**
 * The chunk's specifier is a variable on purpose: a literal would make wrangler's esbuild inline
 * 1.6 MB of Swagger UI into the main module every API request loads. It sits beside the main module
 * (worker/ in the vitest pool, dist/ when built), as the console's chunk does.
 */
const DOCS_CHUNK: string = "./docs-ui-chunk.js";

/** Each file's bytes, decoded once per isolate (the chunk itself is immutable). */
const decoded = new Map<string, Uint8Array>();

function gzipBytes(name: string, file: DocsFile): Uint8Array {
  let bytes = decoded.get(name);
  if (!bytes) {
    bytes = Uint8Array.from(atob(file.gzip), (ch) => ch.charCodeAt(0));
    decoded.set(name, bytes);
  }
  return bytes;
}

/** Whether the client takes gzip (`Accept-Encoding`, q > 0). */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? "").split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * `GET /docs-ui/{file}`: Swagger UI's files, stored gzip-compressed; sent as they are to clients
 * that take gzip (every browser), inflated for the rest. The names carry no version, so browsers
 * revalidate (cheap: a `304` on the ETag).
 */
docsRoutes.get("/docs-ui/:file", async (c) => {
  const name = c.req.param("file");
  const chunk = (await import(DOCS_CHUNK)) as DocsChunk;
  const file = Object.hasOwn(chunk.FILES, name) ? chunk.FILES[name] : undefined;
  if (!file) return c.notFound();
  const headers = new Headers({
    "Content-Type": file.type,
    ETag: file.etag,
    "Cache-Control": "public, max-age=0, must-revalidate",
    "X-Content-Type-Options": "nosniff",
    Vary: "Accept-Encoding",
  });
  const match = c.req.header("If-None-Match");
  if (match !== undefined && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === file.etag))
    return new Response(null, { status: 304, headers });
  const bytes = gzipBytes(name, file);
  if (acceptsGzip(c.req.header("Accept-Encoding"))) {
    headers.set("Content-Encoding", "gzip");
    // "manual": the bytes are gzip already; by default the runtime would compress them again.
    return new Response(bytes, { headers, encodeBody: "manual" });
  }
  const body = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(body, { headers });
});
