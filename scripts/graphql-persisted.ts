/**
 * `npm run graphql:persisted`: rebuilds worker/graphql/persisted.generated.ts, the allow-list of
 * persisted GraphQL operations, from the repository's operation files (see scripts/lib/graphql-persisted.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_MODULE, persistedModule } from "./lib/graphql-persisted";

const root = join(import.meta.dirname, "..");
writeFileSync(join(root, GENERATED_MODULE), await persistedModule(root));
console.log(`wrote ${GENERATED_MODULE}`);
