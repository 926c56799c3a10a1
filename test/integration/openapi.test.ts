import { describe, expect, it } from "vitest";
import { call } from "../setup/http";

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
  components?: {
    schemas?: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    securitySchemes?: Record<string, unknown>;
  };
}

/** Follows a local `$ref` into components. */
function resolve(
  doc: OpenApiDoc,
  schema: unknown,
): { properties?: Record<string, unknown>; required?: string[] } {
  const ref = (schema as { $ref?: string }).$ref;
  if (!ref) return schema as { properties?: Record<string, unknown> };
  const name = ref.replace("#/components/schemas/", "");
  return doc.components?.schemas?.[name] ?? {};
}

async function getDoc(): Promise<OpenApiDoc> {
  const res = await call("/openapi.json");
  expect(res.status).toBe(200);
  return res.json<OpenApiDoc>();
}

describe("/openapi.json", () => {
  it("is an OpenAPI 3.1 document", async () => {
    expect((await getDoc()).openapi).toMatch(/^3\.1\./);
  });

  it("lists the device paths with the registration schema that validates requests", async () => {
    const doc = await getDoc();
    const device = doc.paths["/v1/devices/{deviceId}"];
    expect(Object.keys(device ?? {})).toEqual(expect.arrayContaining(["put", "delete"]));
    expect(doc.paths["/v1/devices"]?.get).toBeDefined();
    const schema = resolve(doc, device?.put?.requestBody?.content["application/json"]?.schema);
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining([
        "platform",
        "pushProvider",
        "pushToken",
        "appVersion",
        "locale",
        "timezone",
        "topics",
      ]),
    );
    expect(schema.required).toContain("platform");
    expect(schema).toMatchObject({ additionalProperties: false });
  });

  it("lists the config paths, with the admin config schema as the PUT body", async () => {
    const doc = await getDoc();
    expect(doc.paths["/v1/config"]?.get).toBeDefined();
    expect(doc.paths["/v1/admin/metrics"]?.get).toBeDefined();
    const admin = doc.paths["/v1/admin/config"];
    expect(admin?.get).toBeDefined();
    const schema = resolve(doc, admin?.put?.requestBody?.content["application/json"]?.schema);
    expect(Object.keys(schema.properties ?? {})).toEqual(["platforms", "flags"]);
  });

  it("defines the security schemes the device and admin routes name", async () => {
    const doc = await getDoc();
    expect(doc.components?.securitySchemes).toMatchObject({
      bearerAuth: { type: "http", scheme: "bearer" },
      adminKey: { type: "http", scheme: "bearer" },
    });
  });
});

describe("/docs", () => {
  it("serves an HTML page that loads the OpenAPI document", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(await res.text()).toContain("/openapi.json");
  });
});
