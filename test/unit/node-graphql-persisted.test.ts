import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectOperations, GENERATED_MODULE, persistedModule } from "../../scripts/lib/graphql-persisted";

const root = join(import.meta.dirname, "..", "..");

describe("the persisted GraphQL operations", () => {
  it("are what the committed allow-list holds (run `npm run graphql:persisted` after editing an operation)", async () => {
    expect(readFileSync(join(root, GENERATED_MODULE), "utf8")).toBe(await persistedModule(root));
  });

  it("are each named once and valid against the schema, keyed by the SHA-256 of their text", () => {
    const operations = collectOperations(root);
    expect(operations.map((op) => op.name)).toEqual(
      expect.arrayContaining([
        "Home",
        "Me",
        "Spaces",
        "Space",
        "Inbox",
        "Config",
        "SyncPush",
        "RegisterDevice",
      ]),
    );
    for (const op of operations) expect(op.id).toMatch(/^[0-9a-f]{64}$/);
  });
});
