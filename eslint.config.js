import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules",
      "dist",
      ".wrangler",
      "worker-configuration.d.ts",
      "migrations",
      "bench/results",
      "client/dist",
      "client/src/generated",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
      // `declare global { namespace Cloudflare { interface Env } }` is how Workers types are extended.
      "@typescript-eslint/no-namespace": ["error", { allowDeclarations: true }],
    },
  },
  {
    files: ["worker/**/*.ts", "durable-objects/**/*.ts"],
    rules: {
      // Only the sync Durable Object writes synced tables; routes go through it.
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "node:fs", message: "Not available in Workers." }] },
      ],
    },
  },
);
