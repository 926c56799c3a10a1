import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { Layout } from "../layout";
import { page } from "../respond";

/** The sign-in form: the admin key, posted once; the browser keeps only the session cookie. */
export function signInPage(c: Context<AppEnv>, error?: string, status: 200 | 401 | 403 | 429 = 200) {
  return page(
    c,
    <Layout title="Sign in">
      <section aria-labelledby="signin-h">
        <h2 id="signin-h">Sign in with the admin key</h2>
        {error ? (
          <p class="error" role="alert" id="signin-error">
            {error}
          </p>
        ) : null}
        <form method="post" action="/console/login">
          <label for="key">Admin key</label>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="off"
            required
            aria-describedby={error ? "signin-error" : undefined}
          />
          <button type="submit">Sign in</button>
        </form>
        <p>The key is exchanged for a session cookie that lasts 8 hours; it is not kept in this browser.</p>
      </section>
    </Layout>,
    status,
  );
}
