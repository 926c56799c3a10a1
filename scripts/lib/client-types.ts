import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";

/** Where the SDK's generated request/response types live (committed). */
export const CLIENT_TYPES_PATH = join(import.meta.dirname, "../../client/src/generated/api.ts");

const HEADER = `/**
 * Generated from the server's /openapi.json by \`npm run client:types\` (openapi-typescript).
 * Do not edit: \`npm test\` fails when this file and the running server's document differ.
 */

`;

/** The TypeScript source openapi-typescript makes of an OpenAPI document (deterministic). */
export async function generateClientTypes(document: unknown): Promise<string> {
  // openapi-typescript takes the document as a JSON string or a parsed object.
  const ast = await openapiTS(JSON.stringify(document), { alphabetize: true, exportType: true });
  return HEADER + astToString(ast);
}
