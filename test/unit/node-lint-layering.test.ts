import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The layering rules of eslint.config.js, shown to bite: each row lints one import as if it were
// written in the given file (which need not exist) and expects a layering error, or none.
const ROOT = resolve(import.meta.dirname, "../..");
const CONFIG = join(ROOT, "eslint.config.js");
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: CONFIG });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-syntax")
    .map((m) => m.message);
}

const importOf = (specifier: string) => `import { x } from "${specifier}";\nexport const y = x;\n`;
const typeImportOf = (specifier: string) => `import type { X } from "${specifier}";\nexport type Y = X;\n`;

type Row = [rule: string, file: string, code: string];

const refused: Row[] = [
  [
    "a: worker never imports durable-objects",
    "worker/sync/space-client.ts",
    importOf("../../durable-objects/sync-space"),
  ],
  [
    "a: not even a type",
    "worker/push/providers/apns/credentials-client.ts",
    typeImportOf("../../../../durable-objects/apns-credentials"),
  ],
  ["a: nor from a route", "worker/routes/push.ts", typeImportOf("../../durable-objects/campaign")],
  ["b: drizzle-orm outside a query module", "worker/push/campaigns/fan-out.ts", importOf("drizzle-orm")],
  ["b: drizzle-orm subpaths too", "worker/sync/spaces.ts", importOf("drizzle-orm/d1")],
  ["b: drizzle-orm in a Durable Object", "durable-objects/campaign.ts", importOf("drizzle-orm")],
  ["b: drizzle-orm in a route", "worker/routes/screens.ts", importOf("drizzle-orm")],
  ["c: a route imports the database client", "worker/routes/notifications.ts", importOf("../db/client")],
  ["c: a route imports the schema", "worker/routes/screens.ts", importOf("../db/schema")],
  ["d: a pure helper imports the client", "worker/lib/semver.ts", importOf("../db/client")],
  ["d: a pure sync module imports queries", "worker/sync/merge.ts", importOf("./queries/records")],
  ["d: a pure tailor module imports drizzle", "worker/tailor/profile.ts", importOf("drizzle-orm")],
  [
    "d: a push provider imports the schema",
    "worker/push/providers/fcm/sender.ts",
    importOf("../../../db/schema"),
  ],
  ["d: HTTP plumbing imports a capability's queries", "worker/http/etag.ts", importOf("../config/queries")],
  ["d: a moved pure module is still pure", "worker/push/campaigns/schedule.ts", importOf("./queries/ledger")],
  ["e: worker imports test code", "worker/app.ts", importOf("../test/fakes")],
  ["e: a Durable Object imports test code", "durable-objects/sync-space.ts", importOf("../test/setup/hooks")],
  ["f: the client SDK imports the worker", "client/src/index.ts", typeImportOf("../../worker/sync/protocol")],
  [
    "f: the client SDK imports a Durable Object",
    "client/src/sync.ts",
    importOf("../../durable-objects/sync-space"),
  ],
  [
    "sql: a route writes SQL",
    "worker/routes/admin.ts",
    `export const q = (db: D1Database) => db.prepare("SELECT 1");\n`,
  ],
];

const allowed: Row[] = [
  [
    "a: the Worker entry re-exports the Durable Objects",
    "worker/index.ts",
    `export { SyncSpace } from "../durable-objects";\n`,
  ],
  [
    "a: a Durable Object imports worker logic",
    "durable-objects/sync-space.ts",
    importOf("../worker/sync/plan"),
  ],
  ["b: the database client imports drizzle-orm", "worker/db/client.ts", importOf("drizzle-orm/d1")],
  ["b: a capability's queries.ts imports drizzle-orm", "worker/devices/queries.ts", importOf("drizzle-orm")],
  [
    "b: a capability's queries/ folder imports drizzle-orm",
    "worker/auth/queries/sessions.ts",
    importOf("drizzle-orm"),
  ],
  ["b: a query module imports the schema", "worker/sync/queries/records.ts", importOf("../../db/schema")],
  ["c: a route calls a query module", "worker/routes/notifications.ts", importOf("../push/inbox/queries")],
  ["c: a route calls domain logic", "worker/routes/config.ts", importOf("../config/store")],
  ["d: a pure module imports another", "worker/sync/merge.ts", importOf("./protocol")],
  ["d: a non-pure domain module calls queries", "worker/sync/space-client.ts", importOf("./queries/spaces")],
  ["f: the client SDK imports its own modules", "client/src/index.ts", importOf("./generated/openapi")],
  [
    "sql: a query module writes SQL",
    "worker/ops/queries.ts",
    `export const q = (db: D1Database) => db.prepare("SELECT 1");\n`,
  ],
];

describe("the layering lint rules", () => {
  it.each(refused)("refuse %s (%s)", async (_rule, file, code) => {
    expect(await layeringErrors(file, code)).toHaveLength(1);
  });

  it.each(allowed)("allow %s (%s)", async (_rule, file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });

  it("names only pure modules that exist, so a move cannot silently drop a file from a rule", async () => {
    // A computed specifier: the config is plain JavaScript, outside the type-checked files.
    const { PURE_MODULES } = (await import(CONFIG)) as { PURE_MODULES: string[] };
    const paths = PURE_MODULES.flatMap((pattern) => {
      if (pattern.endsWith("/**")) return [pattern.slice(0, -3)];
      const brace = /^(.*)\{([^}]+)\}(.*)$/.exec(pattern);
      if (!brace) return [pattern];
      const [, head = "", names = "", tail = ""] = brace;
      // `push/**/x.ts`: the file sits somewhere below; a glob-free check would need a walk, so such
      // patterns are only checked for their fixed folder.
      if (head.includes("**")) return [head.slice(0, head.indexOf("**"))];
      return names.split(",").map((name) => `${head}${name}${tail}`);
    });
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});
