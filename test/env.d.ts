// Bindings that exist only in tests (see vitest.config.ts and test/setup/node-global-setup.ts).
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** Control API of the fake providers: mint ID tokens, script failures, read deliveries. */
      FAKES_CONTROL_URL: string;
      OIDC_AUDIENCE: string;
      OIDC_PROVIDER_NAME: string;
      /** Rate Limiting bindings with tiny limits (3 and 2 per minute) for the rate-limit tests. */
      TEST_RATE_LIMIT_TINY_IP: RateLimit;
      TEST_RATE_LIMIT_TINY_DEVICE: RateLimit;
      /** The fake Analytics Engine SQL API's account: set it as ANALYTICS_ACCOUNT_ID to read from AE. */
      TEST_ANALYTICS_ACCOUNT_ID: string;
    }
  }
}
