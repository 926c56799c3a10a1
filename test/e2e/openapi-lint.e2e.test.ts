import { createConfig, lintFromString } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedWorker, startWorker } from "./start-worker";

// The document client generators (Swift, Kotlin, TypeScript) read, as the built worker serves it,
// checked with Redocly's recommended rules. Warnings we accept on purpose, each with its reason:
const ACCEPTED_WARNINGS = new Set([
  // No licence is published for the API.
  "info-license #/info",
  // Neither can answer a 4xx: no input, no credential, exempt from the app-version policy.
  "operation-4xx-response #/paths/~1healthz/get/responses",
  "operation-4xx-response #/paths/~1.well-known~1jwks.json/get/responses",
  // A WebSocket upgrade succeeds with 101 Switching Protocols, never 2xx.
  "operation-2xx-response #/paths/~1v1~1sync~1{spaceId}~1socket/get/responses",
]);

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface OpenApiDoc {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

let worker: StartedWorker;
let source: string;
let doc: OpenApiDoc;

beforeAll(async () => {
  worker = await startWorker();
  const res = await fetch(`${worker.url}/openapi.json`);
  expect(res.status).toBe(200);
  source = await res.text();
  doc = JSON.parse(source) as OpenApiDoc;
});

afterAll(async () => {
  await worker?.stop();
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );

describe("/openapi.json", () => {
  it("passes redocly lint (recommended rules) with no errors and only the accepted warnings", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source, absoluteRef: "openapi.json", config });
    const found = problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ""}`);
    expect(problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId}: ${p.message}`)).toEqual(
      [],
    );
    expect(found.filter((p) => !ACCEPTED_WARNINGS.has(p))).toEqual([]);
  });

  it("gives every operation a unique camelCase operationId, a summary, tags and its security", () => {
    const ids = new Set<string>();
    for (const { name, operation } of operations()) {
      expect(operation.operationId, name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(ids.has(operation.operationId ?? ""), `${name}: duplicate operationId`).toBe(false);
      ids.add(operation.operationId ?? "");
      expect(operation.summary, name).toBeTruthy();
      expect(operation.tags?.length, name).toBeGreaterThan(0);
      expect(operation.security, name).toBeInstanceOf(Array);
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          expect(doc.components?.securitySchemes, `${name} names ${scheme}`).toHaveProperty(scheme);
        }
      }
    }
    expect(ids.size).toBeGreaterThan(25);
  });

  it("describes every 4xx answer as problem details", () => {
    for (const { name, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^4\d\d$/.test(status)) continue;
        const schema = response.content?.["application/problem+json"]?.schema?.$ref;
        expect(schema, `${name} ${status}`).toMatch(
          /^#\/components\/schemas\/(Problem|UpgradeRequiredProblem)$/,
        );
      }
    }
  });

  it("names this deployment as its server, and both bearer schemes", () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: worker.url })]);
    expect(doc.components?.securitySchemes).toMatchObject({
      bearerAuth: { type: "http", scheme: "bearer" },
      adminKey: { type: "http", scheme: "bearer" },
    });
  });
});
