import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv } from "../env";

/**
 * Headers on every console response (pages, JSON, redirects, assets). The CSP allows our own
 * script and stylesheet only: no inline script or style, no framing, forms post only to us.
 */
export const CONSOLE_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  // Not no-referrer: under that policy browsers send `Origin: null` on our own form posts, and the
  // Origin check could no longer tell them from a foreign page's. same-origin still sends no
  // referrer (nor origin) to any other site.
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
};

export function withConsoleHeaders(res: Response): Response {
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) res.headers.set(name, value);
  // Pages show live data and per-session tokens: never cached, assets excepted.
  if (!res.headers.has("Cache-Control")) res.headers.set("Cache-Control", "no-store");
  return res;
}

/** Renders a page. */
export async function page(
  c: Context<AppEnv>,
  node: HtmlEscapedString | Promise<HtmlEscapedString>,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 429 = 200,
): Promise<Response> {
  return c.html(`<!doctype html>${String(await node)}`, status);
}

/** After a successful POST: back to a page with GET (no resubmission on reload). */
export function seeOther(c: Context<AppEnv>, location: string): Response {
  return c.redirect(location, 303);
}
