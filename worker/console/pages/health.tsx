import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { Layout } from "../layout";
import { page } from "../respond";

/** Placeholder until helper "metrics" provides worker/console/health.tsx (charts). */
export function healthPlaceholder(c: Context<AppEnv>, csrf: string) {
  return page(
    c,
    <Layout title="Health" section="health" csrf={csrf}>
      <p>Charts of requests, errors, latency, sync and push arrive with the metrics work.</p>
    </Layout>,
  );
}
