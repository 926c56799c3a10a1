import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { Layout } from "../layout";
import { page } from "../respond";

/** A refused request (no session, foreign origin, stale CSRF token): nothing was changed. */
export function refusedPage(c: Context<AppEnv>, status: 401 | 403, message: string) {
  return page(
    c,
    <Layout title={status === 401 ? "Signed out" : "Refused"}>
      <p role="alert">{message}</p>
      <p>
        <a href="/console">Go to the console</a>
      </p>
    </Layout>,
    status,
  );
}

/** No such thing; `csrf` keeps the nav for a signed-in operator. */
export function notFoundPage(c: Context<AppEnv>, message: string, csrf?: string) {
  return page(
    c,
    <Layout title="Not found" csrf={csrf}>
      <p>{message}</p>
    </Layout>,
    404,
  );
}
