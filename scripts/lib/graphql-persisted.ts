import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  buildSchema,
  getOperationAST,
  Kind,
  parse,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
} from "graphql";
import { format, resolveConfig } from "prettier";
import { SDL } from "../../worker/graphql/sdl";

/**
 * The persisted-operation allow-list, built from the repository's `.graphql` files (one operation
 * per file; files of fragments only are shared by every operation; an operation's document is its
 * file's text, trimmed, followed by each fragment it spreads, by name; its id is the SHA-256 of
 * that document) and
 * Apollo persisted-query manifests (`*.json`, `"format": "apollo-persisted-query-manifest"`, as
 * Apollo iOS and Apollo Kotlin generate them: their ids are the SHA-256 of each body). Every
 * operation is validated against the schema here, so a broken one fails the build, not a phone.
 */
export const OPERATION_DIRS = ["graphql/operations", "graphql/fragments"];
export const GENERATED_MODULE = "worker/graphql/persisted.generated.ts";

interface Operation {
  name: string;
  id: string;
  body: string;
  source: string;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function filesIn(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesIn(root, path));
    else if (entry.name.endsWith(".graphql") || entry.name.endsWith(".json")) out.push(path);
  }
  return out.sort();
}

function fromManifest(source: string, text: string): Omit<Operation, "source">[] {
  const manifest = JSON.parse(text) as {
    format?: string;
    operations?: { id: string; name: string; body: string }[];
  };
  if (manifest.format !== "apollo-persisted-query-manifest" || !Array.isArray(manifest.operations)) {
    throw new Error(`${source}: not an apollo-persisted-query-manifest`);
  }
  return manifest.operations.map((op) => {
    if (sha256(op.body) !== op.id)
      throw new Error(`${source}: ${op.name}'s id is not the SHA-256 of its body`);
    return { name: op.name, id: op.id, body: op.body };
  });
}

const spreads = (document: DocumentNode | FragmentDefinitionNode): string[] => {
  const names: string[] = [];
  visit(document, { FragmentSpread: (node) => void names.push(node.name.value) });
  return names;
};

/** The operation's text followed by every fragment it needs (transitively), sorted by name. */
function withFragments(text: string, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string {
  const needed = new Set<string>();
  const queue = spreads(parse(text));
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const fragment = fragments.get(name);
    if (!fragment || needed.has(name)) continue;
    needed.add(name);
    queue.push(...spreads(fragment));
  }
  const bodies = [...needed].sort().map((name) => {
    const loc = fragments.get(name)?.loc;
    return loc ? loc.source.body.slice(loc.start, loc.end) : "";
  });
  return [text, ...bodies].join("\n\n");
}

/** Every allow-listed operation, validated; throws on a broken or ambiguous one. */
export function collectOperations(root: string): Operation[] {
  const schema = buildSchema(SDL);
  const files = OPERATION_DIRS.flatMap((dir) => filesIn(root, dir)).map((path) => ({
    path,
    source: relative(root, join(root, path)),
    text: readFileSync(join(root, path), "utf8").trim(),
  }));
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operationFiles = files.filter((file) => {
    if (file.path.endsWith(".json")) return true;
    const definitions = parse(file.text).definitions;
    if (definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) return true;
    for (const d of definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    return false;
  });
  const byId = new Map<string, Operation>();
  for (const { path, source, text } of operationFiles) {
    const body = path.endsWith(".json") ? undefined : withFragments(text, fragments);
    const found = body === undefined ? fromManifest(source, text) : [{ name: "", id: sha256(body), body }];
    for (const op of found) {
      const document = parse(op.body);
      const errors = validate(schema, document);
      if (errors.length > 0) throw new Error(`${source}: ${errors.map((e) => e.message).join("; ")}`);
      const operation = getOperationAST(document);
      if (!operation?.name) throw new Error(`${source}: one named operation per document`);
      byId.set(op.id, { ...op, name: operation.name.value, source });
    }
  }
  const names = new Map<string, string>();
  for (const op of byId.values()) {
    const other = names.get(op.name);
    if (other) throw new Error(`operation ${op.name} is defined twice (${other}, ${op.source})`);
    names.set(op.name, op.source);
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The generated module's text, formatted as the repository formats TypeScript. */
export async function persistedModule(root: string): Promise<string> {
  const operations = collectOperations(root);
  const text = [
    "// Generated by `npm run graphql:persisted` from " + OPERATION_DIRS.join(", ") + ". Do not edit:",
    "// a test fails when this file is stale.",
    "",
    "/** Persisted operation id (SHA-256 hex) → its document. Production runs nothing else. */",
    `export const PERSISTED_OPERATIONS: ReadonlyMap<string, string> = new Map([`,
    ...operations.map((op) => `  [${JSON.stringify(op.id)}, ${JSON.stringify(op.body)}],`),
    "]);",
    "",
    "/** Operation name → id, for tests and tools. */",
    "export const PERSISTED_IDS = {",
    ...operations.map((op) => `  ${op.name}: ${JSON.stringify(op.id)},`),
    "} as const;",
    "",
  ].join("\n");
  const config = (await resolveConfig(join(root, GENERATED_MODULE))) ?? {};
  return format(text, { ...config, parser: "typescript" });
}
