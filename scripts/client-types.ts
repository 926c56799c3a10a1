import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { startWorker } from "../test/e2e/start-worker";
import { CLIENT_TYPES_PATH, generateClientTypes } from "./lib/client-types";

// `npm run client:types`: bundles and starts the Worker (the e2e harness), reads its OpenAPI
// document and rewrites the SDK's generated types. Run it after changing any route definition.
const worker = await startWorker();
try {
  const res = await fetch(`${worker.url}/openapi.json`);
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
  const source = await generateClientTypes(await res.json());
  mkdirSync(dirname(CLIENT_TYPES_PATH), { recursive: true });
  writeFileSync(CLIENT_TYPES_PATH, source);
  console.log(`wrote ${CLIENT_TYPES_PATH} (${source.length} bytes)`);
} finally {
  await worker.stop();
}
