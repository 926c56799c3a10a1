import type { Child } from "hono/jsx";
import { ASSETS } from "./assets";

/** The console's sections, in nav order; `section` marks the current one (aria-current). */
export type Section = "campaigns" | "config" | "users" | "spaces" | "health" | "audit";

const NAV: { section: Section; label: string; href: string }[] = [
  { section: "campaigns", label: "Campaigns", href: "/console/campaigns" },
  { section: "config", label: "Config", href: "/console/config" },
  { section: "users", label: "Users", href: "/console/users" },
  { section: "spaces", label: "Spaces", href: "/console/spaces" },
  { section: "health", label: "Health", href: "/console/health" },
  { section: "audit", label: "Audit", href: "/console/audit" },
];

export interface LayoutProps {
  /** The page's heading and <title>. */
  title: string;
  /** The nav entry to mark as current; omit on the sign-in page. */
  section?: Section;
  /** The session's CSRF token: shown only to signed-in pages (nav with sign-out; page script reads it). */
  csrf?: string;
  children?: Child;
}

/**
 * Every console page: landmarks (header/nav, main), one <h1>, our stylesheet and script from our
 * own origin (the CSP allows nothing else), and a sign-out form carrying the CSRF token.
 */
export function Layout({ title, section, csrf, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {csrf ? <meta name="csrf-token" content={csrf} /> : null}
        <title>{`${title} · Outpost console`}</title>
        <link rel="stylesheet" href={ASSETS.css.path} integrity={ASSETS.css.integrity} />
        <script src={ASSETS.js.path} integrity={ASSETS.js.integrity} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">Outpost console</span>
          {csrf ? (
            <nav aria-label="Console">
              <ul>
                {NAV.map((n) => (
                  <li>
                    <a href={n.href} aria-current={n.section === section ? "page" : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {csrf ? (
            <form method="post" action="/console/logout" class="signout">
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="main">
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** An error message tied to a field (`aria-describedby` points here). */
export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <p class="field-error" id={id} role="alert">
      {messages.join("; ")}
    </p>
  );
}

/** Milliseconds since the epoch as an ISO minute in UTC (the console shows UTC everywhere). */
export function utc(ms: number | null | undefined): string {
  return ms === null || ms === undefined
    ? "—"
    : `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
