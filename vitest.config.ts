import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * Three projects:
 * - unit: pure modules, in Node (fast, no runtime needed);
 * - workers: integration (through HTTP) and Durable Object tests inside workerd with real
 *   D1, Durable Objects and Queues from wrangler.toml, and fakes on loopback;
 * - e2e: Node, starting the built worker with the Miniflare API over real sockets.
 */
export default defineConfig({
  test: {
    // The Worker writes one JSON log line per request by design; in test output they bury the
    // results (CI logs grew to ~1 MB). Warnings and errors still print.
    onConsoleLog: (log, type) => !(type === "stdout" && log.startsWith('{"requestId"')),
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/client/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            main: "./worker/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...inject("workerBindings"),
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/integration/**/*.test.ts", "test/durable-objects/**/*.test.ts"],
          globalSetup: ["./test/setup/node-global-setup.ts"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.e2e.test.ts"],
          environment: "node",
          globalSetup: ["./test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
