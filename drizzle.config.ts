import { defineConfig } from "drizzle-kit";

// drizzle-kit writes SQL migrations into migrations/, which `wrangler d1 migrations apply`
// (and the test setup) apply in order.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema/index.ts",
  out: "./migrations",
});
