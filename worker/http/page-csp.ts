/**
 * The Content-Security-Policy of every HTML page the Worker serves (/docs; the console uses the
 * same): scripts, styles, images and fetches from our own origin only, no inline script, never
 * framed. `img-src data:` because Swagger UI draws its icons as data: SVGs.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
