import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLIENT_TYPES_PATH, generateClientTypes } from "../../scripts/lib/client-types";
import { type StartedWorker, startWorker } from "./start-worker";

// The SDK's request and response types are generated from the server's OpenAPI document and
// committed; this fails when a route definition changed and nobody regenerated them.

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

it("has committed client types that match the running server's /openapi.json (else: npm run client:types)", async () => {
  const res = await fetch(`${worker.url}/openapi.json`);
  expect(res.status).toBe(200);
  const expected = await generateClientTypes(await res.json());
  const committed = readFileSync(CLIENT_TYPES_PATH, "utf8");
  expect(committed === expected, "client/src/generated/api.ts is stale: run `npm run client:types`").toBe(
    true,
  );
});
