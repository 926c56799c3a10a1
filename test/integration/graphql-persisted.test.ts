import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { PERSISTED_IDS } from "../../worker/graphql/persisted.generated";
import { anonymousUser, call } from "../setup/http";
import { type GraphqlBody, codes, gql, persisted } from "./graphql-helpers";
import { callWith } from "./rate-limit-helpers";

const CONFIG_TEXT = "query Config { config { minVersion storeUrl flags } }";

describe("POST /graphql: persisted operations only", () => {
  it("runs an allow-listed operation by its hash, and logs it by name", async () => {
    const user = await anonymousUser();
    const logged: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void logged.push(line));
    const res = await gql("Me", undefined, { token: user.accessToken });
    spy.mockRestore();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { id: user.userId, email: null, anonymous: true } } });
    expect(logged.map((l) => (JSON.parse(l) as { route?: string }).route)).toContain("/graphql Me");
  });

  it("answers 400 persisted_query_not_found for a hash not in the allow-list", async () => {
    const user = await anonymousUser();
    const res = await call("/graphql", {
      method: "POST",
      token: user.accessToken,
      json: { extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } },
    });
    expect(res.status).toBe(400);
    const body = await res.json<GraphqlBody>();
    expect(body.errors?.[0]).toMatchObject({
      message: "PersistedQueryNotFound",
      extensions: { code: "persisted_query_not_found" },
    });
  });

  it("refuses query text from a user (persisted_query_not_found), even with a known hash beside other text", async () => {
    const user = await anonymousUser();
    const text = await call("/graphql", {
      method: "POST",
      token: user.accessToken,
      json: { query: CONFIG_TEXT },
    });
    expect(text.status).toBe(400);
    expect(codes(await text.json<GraphqlBody>())).toEqual(["persisted_query_not_found"]);
    // A known hash runs the stored document, whatever text comes with it.
    const both = await call("/graphql", {
      method: "POST",
      token: user.accessToken,
      json: { ...persisted("Me"), query: "query Me { me { id } }" },
    });
    expect(await both.json()).toEqual({ data: { me: { id: user.userId, email: null, anonymous: true } } });
  });

  it("accepts query text with the admin key, and a wrong key is 401", async () => {
    const ok = await call("/graphql", {
      method: "POST",
      token: env.ADMIN_API_KEY,
      json: { query: CONFIG_TEXT },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json<GraphqlBody>()).data).toHaveProperty("config.flags");
    const wrong = await call("/graphql", {
      method: "POST",
      token: `${env.ADMIN_API_KEY}x`,
      json: { query: CONFIG_TEXT },
    });
    expect(wrong.status).toBe(401);
  });

  it("accepts query text from anyone only where GRAPHQL_ALLOW_ARBITRARY=true", async () => {
    const user = await anonymousUser();
    const init = { method: "POST", token: user.accessToken, json: { query: "{ me { id } }" } };
    const dev = await callWith({ GRAPHQL_ALLOW_ARBITRARY: "true" }, "/graphql", init);
    expect(await dev.json()).toEqual({ data: { me: { id: user.userId } } });
    const prod = await callWith({ GRAPHQL_ALLOW_ARBITRARY: "false" }, "/graphql", init);
    expect(prod.status).toBe(400);
  });

  it("is behind the same pipeline: strict JSON, unknown members refused, request id, version policy", async () => {
    const bad = await call("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "graphql-test-1" },
      body: '{"query": 1, "query": 2}',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("X-Request-Id")).toBe("graphql-test-1");
    expect((await bad.json<{ code: string }>()).code).toBe("invalid_json");
    const unknown = await call("/graphql", { method: "POST", json: { ...persisted("Config"), extra: 1 } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json<{ code: string }>()).code).toBe("invalid_body");
    const expired = await call("/graphql", { method: "POST", token: "a.b.c", json: persisted("Config") });
    expect(expired.status).toBe(401);
  });

  it("answers config without a user, and 401 with WWW-Authenticate for anything else", async () => {
    const config = await gql("Config");
    expect(config.status).toBe(200);
    expect((await config.json<GraphqlBody>()).data).toHaveProperty("config");
    const me = await gql("Me");
    expect(me.status).toBe(401);
    expect(me.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect(codes(await me.json<GraphqlBody>())).toEqual(["unauthorized"]);
  });
});

describe("GET /graphql", () => {
  const url = (name: keyof typeof PERSISTED_IDS) =>
    `/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted(name).extensions))}`;

  it("runs a persisted query with an ETag, and answers 304 to If-None-Match", async () => {
    const user = await anonymousUser();
    const first = await call(url("Home"), { token: user.accessToken });
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag");
    expect(etag).toBeTruthy();
    expect(first.headers.get("Vary")).toContain("Authorization");
    const again = await call(url("Home"), {
      token: user.accessToken,
      headers: { "If-None-Match": etag ?? "" },
    });
    expect(again.status).toBe(304);
  });

  it("refuses a mutation over GET (405)", async () => {
    const user = await anonymousUser();
    const res = await call(
      `${url("MarkInboxItemRead")}&variables=${encodeURIComponent(JSON.stringify({ id: "x" }))}`,
      { token: user.accessToken },
    );
    expect(res.status).toBe(405);
  });
});

describe("GET /graphql/schema", () => {
  it("serves the SDL", async () => {
    const res = await call("/graphql/schema");
    expect(res.status).toBe(200);
    const sdl = await res.text();
    expect(sdl).toContain("type Query {");
    expect(sdl).toContain("home: Home!");
  });

  it("is in the OpenAPI document with POST and GET /graphql", async () => {
    const doc = await (
      await call("/openapi.json")
    ).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths["/graphql"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/graphql/schema"]).toHaveProperty("get");
  });
});
