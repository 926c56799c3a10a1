import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layering, enforced (README "Layout"): imports run one way, routes → domain → queries, and
 * durable-objects → worker, never back. Each restriction matches the import specifier as written
 * (relative paths, no aliases), so a folder is named by its path segment wherever it sits.
 */
const RESTRICTIONS = {
  nodeFs: { regex: "^(node:)?fs(/.*)?$", message: "Not available in Workers." },
  durableObjects: {
    regex: "^\\.{1,2}/(.*/)?durable-objects(/.*)?$",
    message:
      "worker/ never imports durable-objects/ (only worker/index.ts re-exports the classes): RPC types " +
      "and the typed client live in worker/<capability>/.",
  },
  drizzle: {
    regex: "^drizzle-orm(/.*)?$",
    message:
      "Only query modules (worker/<capability>/queries.ts or queries/*.ts) and worker/db/ use drizzle-orm.",
  },
  db: {
    regex: "^\\.{1,2}/(.*/)?db(/.*)?$",
    message: "Routes and pure modules never import worker/db/: read c.var.db and call a query module.",
  },
  queries: {
    regex: "^\\.{1,2}/(.*/)?queries(/.*)?$",
    message: "A pure module never reaches the database: its caller loads the data and passes it in.",
  },
  test: { regex: "^\\.{1,2}/(.*/)?test(/.*)?$", message: "Production code never imports test/." },
  server: {
    regex: "^\\.{1,2}/(.*/)?(worker|durable-objects)(/.*)?$",
    message: "The client SDK never imports the server: it speaks HTTP and uses the generated OpenAPI types.",
  },
};

/** One `no-restricted-imports` entry: a later config block replaces the rule's options whole. */
function restrict(...names) {
  return ["error", { patterns: names.map((name) => ({ ...RESTRICTIONS[name], caseSensitive: true })) }];
}

/** Every file that may build queries: worker/db/ (client and schema) and each capability's queries. */
const QUERY_MODULES = ["worker/db/**", "worker/**/queries.ts", "worker/**/queries/**"];

/**
 * Pure modules: decisions without I/O, unit-tested row by row. Whole folders where a folder is
 * pure, so files moved into it are covered; single files by name where a folder also holds queries.
 */
export const PURE_MODULES = [
  "worker/lib/**",
  "worker/http/**",
  "worker/push/providers/**",
  "worker/sync/{protocol,merge,plan,group,collections,background}.ts",
  "worker/tailor/{profile,project,decisions,images}.ts",
  "worker/config/{flags,schema}.ts",
  "worker/auth/{jwt,keys,oidc,refresh}.ts",
  "worker/push/**/{schedule,local-time,payload,classify}.ts",
  "worker/entitlements/{derive,catalog,store-event}.ts",
  "worker/entitlements/apple/{der,x509,signed-data,map,payloads,messages,root-g3}.ts",
];

const WORKER = ["nodeFs", "durableObjects", "drizzle", "test"];
const ROUTES = [...WORKER, "db"];

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
      // Built from swagger-ui-dist by scripts/docs-assets.ts (git-ignored vendor code).
      "assets/docs-ui/swagger-ui-bundle.js",
      "worker/docs-ui-chunk.js",
      // Built from worker/console/ by scripts/console-chunk.ts (git-ignored build output).
      "worker/console-chunk.js",
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
  // Blocks from the widest to the narrowest: for a file several match, the last one's list counts,
  // so each narrower list repeats the wider ones.
  {
    name: "layering/worker",
    files: ["worker/**"],
    rules: { "no-restricted-imports": restrict(...WORKER) },
  },
  {
    name: "layering/worker-entry",
    files: ["worker/index.ts"],
    rules: { "no-restricted-imports": restrict("nodeFs", "drizzle", "test") },
  },
  {
    name: "layering/query-modules",
    files: QUERY_MODULES,
    rules: { "no-restricted-imports": restrict("nodeFs", "durableObjects", "test") },
  },
  {
    name: "layering/routes",
    files: ["worker/routes/**"],
    rules: { "no-restricted-imports": restrict(...ROUTES) },
  },
  {
    // The console's pages are routes too: they reach D1 through worker/console/queries only.
    name: "layering/console",
    files: ["worker/console/**"],
    ignores: ["worker/console/queries/**"],
    rules: { "no-restricted-imports": restrict(...ROUTES) },
  },
  {
    // The console is its own ES module with its own copies of every module it imports (see
    // worker/console-loader.ts): modules with per-isolate state the API also reads are reached
    // through the main module's instances (`services(c)`, worker/console/services.ts), never imported.
    name: "console/no-stateful-imports",
    files: ["worker/console/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex:
                "^\\.{1,2}/(.*/)?(config/store|auth/(session|session-cache|verified-cache|keys)|ops/(metrics|analytics-writer)|push/providers/apns/credentials-client)$",
              allowTypeImports: true,
              message:
                "Stateful module: the console chunk would get its own copy of its state. Use services(c) " +
                "from worker/console/services.ts (add the function to ConsoleServices).",
            },
          ],
        },
      ],
    },
  },
  {
    name: "layering/pure",
    files: PURE_MODULES,
    rules: { "no-restricted-imports": restrict(...WORKER, "db", "queries") },
  },
  {
    name: "layering/sql",
    files: ["worker/**", "durable-objects/**"],
    ignores: [...QUERY_MODULES],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='prepare']",
          message: "SQL is written in query modules (worker/<capability>/queries) and worker/db/ only.",
        },
      ],
    },
  },
  {
    name: "layering/durable-objects",
    files: ["durable-objects/**"],
    rules: { "no-restricted-imports": restrict("nodeFs", "drizzle", "test") },
  },
  {
    name: "layering/client",
    files: ["client/**"],
    rules: { "no-restricted-imports": restrict("server", "drizzle") },
  },
);
