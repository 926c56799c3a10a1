import type { TestProject } from "vitest/node";
import { writeConsoleChunk } from "../../scripts/console-chunk";
import { writeDocsChunk } from "../../scripts/docs-assets";
import { generateAdminKey, generateSigningKeySet } from "../../scripts/lib/dev-secrets";
import { providerBindings } from "../../scripts/lib/provider-bindings";
import { startFakeProviders } from "../fakes";

/**
 * Runs in Node before the workerd test projects: builds the console's and the docs UI's chunks, starts the fake OIDC/FCM/APNs servers on
 * loopback (port 0, so parallel runs never collide) and hands their URLs and fresh secrets to
 * the Worker as bindings through `provide`/`inject`.
 */
export default async function setup(project: TestProject) {
  // The Worker loads the console from its own module, worker/console-chunk.js (a build artefact,
  // see worker/console-loader.ts): build it so /console works in the pool as in production.
  await writeConsoleChunk();
  // Likewise the docs UI's chunk (worker/docs-ui-chunk.js, see worker/routes/docs.ts).
  writeDocsChunk();
  const fakes = await startFakeProviders();
  // Each test file gets its own Durable Object storage, so each file's ApnsCredentials mints its
  // own provider token: to the one shared fake APNs that looks like many deployments re-minting
  // for one team, and its 20-minute rule would answer 429 TooManyProviderTokenUpdates. Off for
  // the test run (stats.tokenUpdatesTooSoon still counts); tests that want the rule turn it on.
  await fetch(`${fakes.controlUrl}/apns/token-update-rule`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ enabled: false }),
  });
  const bindings: Record<string, string> = {
    JWT_SIGNING_KEYS: await generateSigningKeySet(2),
    ADMIN_API_KEY: generateAdminKey(),
    ...providerBindings(fakes),
    IMAGE_HOSTS: "images.example.com,cdn.example.org",
    FAKES_CONTROL_URL: fakes.controlUrl,
    OIDC_AUDIENCE: fakes.oidc.audience,
    OIDC_PROVIDER_NAME: fakes.oidc.name,
    // The fake Analytics Engine SQL API; the Worker reads it only where a test sets
    // ANALYTICS_ACCOUNT_ID (to TEST_ANALYTICS_ACCOUNT_ID), as production does.
    ANALYTICS_SQL_API_BASE: fakes.analyticsSql.apiBase,
    ANALYTICS_API_TOKEN: fakes.analyticsSql.token,
    TEST_ANALYTICS_ACCOUNT_ID: fakes.analyticsSql.accountId,
  };
  project.provide("workerBindings", bindings);
  return () => fakes.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    workerBindings: Record<string, string>;
  }
}
