import type { Context } from "hono";
import type { AppEnv } from "../env";

/**
 * Cross-site request forgery, twice over: a state-changing request must come from our own origin
 * (browsers send `Origin` on every POST, and a page elsewhere cannot forge it) and carry the
 * session's synchronizer token (a hidden form field, or `X-CSRF-Token` from the page script).
 * SameSite=Strict on the cookie is the third layer.
 */

const encoder = new TextEncoder();

/** Constant-time equality of two strings (hashing first equalises lengths). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}

/** True when the request's `Origin` is this Worker's own origin. A missing Origin is refused. */
export function sameOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header("Origin");
  return origin !== undefined && origin === new URL(c.req.url).origin;
}

/** True when the request carries `expected` as `_csrf` (form) or `X-CSRF-Token` (header). */
export async function csrfMatches(c: Context<AppEnv>, form: FormFields, expected: string): Promise<boolean> {
  const presented = c.req.header("X-CSRF-Token") ?? form.get("_csrf");
  return (
    typeof presented === "string" && presented.length > 0 && (await constantTimeEqual(presented, expected))
  );
}

/** A parsed urlencoded/multipart form: string fields only (the console uploads no files). */
export class FormFields {
  constructor(private readonly fields: Record<string, string | string[]>) {}
  static async from(c: Context<AppEnv>): Promise<FormFields> {
    const type = c.req.header("Content-Type") ?? "";
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return new FormFields({});
    const body = await c.req.parseBody({ all: true });
    const fields: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === "string") fields[k] = v;
      else if (Array.isArray(v)) fields[k] = v.filter((x): x is string => typeof x === "string");
    }
    return new FormFields(fields);
  }
  get(name: string): string | undefined {
    const v = this.fields[name];
    return Array.isArray(v) ? v[0] : v;
  }
  /** Trimmed value, or undefined if empty. */
  text(name: string): string | undefined {
    const v = this.get(name)?.trim();
    return v ? v : undefined;
  }
  all(name: string): string[] {
    const v = this.fields[name];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
}
