import { availableParallelism } from "node:os";
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
    // Vitest's default is one file at a time on 2 cores (cores - 1), yet most of a workers file's
    // time is spent waiting (queue batches, alarms, workerd), so two in flight keep both cores busy:
    // workers project 318 s → 209 s, unit 15.5 s → 9.7 s on 2 loaded cores. Files are already
    // parallel-safe (their own storage, ports 0); e2e stays sequential (fileParallelism below).
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
            // The test entry: the Worker with test-only Durable Object subclasses (hooks, crash injection).
            main: "./test/setup/test-worker.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...inject("workerBindings"),
                // The tests assert production's defaults whatever a developer's `.dev.vars` (written
                // by `npm run dev`) turns on locally.
                GRAPHQL_ALLOW_ARBITRARY: "false",
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
              },
              // Tiny stand-ins for the auth Rate Limiting bindings; rate-limit tests swap them in.
              ratelimits: {
                TEST_RATE_LIMIT_TINY_IP: { simple: { limit: 3, period: 60 } },
                TEST_RATE_LIMIT_TINY_DEVICE: { simple: { limit: 2, period: 60 } },
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
