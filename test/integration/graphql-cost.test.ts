import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_COST, MAX_DEPTH } from "../../worker/graphql/limits";
import { call } from "../setup/http";
import { type GraphqlBody, codes, countingD1, gqlBody, persisted } from "./graphql-helpers";
import { callWith } from "./rate-limit-helpers";
import { home, seedRecords, seedUnread, sharedSpace, userWithTasks } from "./screens-fixtures";

const IMAGE = "https://images.example.com/u/cat.jpg";
const FAST_3X = {
  DPR: "3",
  "Viewport-Width": "390",
  ECT: "4g",
  "X-App-Version": "3.2.0",
  "X-Platform": "ios",
};

/** A GraphQL home as the REST body: fields a record does not have come back null in GraphQL. */
function withoutNulls(home: Record<string, unknown>): Record<string, unknown> {
  const recent = (home.recent as Record<string, unknown>[]).map((r) =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)),
  );
  return { ...home, recent };
}

describe("GraphQL home", () => {
  it("equals GET /v1/screens/home for the same device profile (tailoring and app version included)", async () => {
    const u = await userWithTasks(3, (i) =>
      i === 0 ? { imageUrl: IMAGE, tags: ["a"], dueAt: 1_700_000_000_000 } : {},
    );
    const shared = await sharedSpace(u.accessToken, "Family");
    await seedRecords(u.accessToken, shared, [
      { collection: "notes", key: "n1", value: { title: "Shop", body: "milk" } },
    ]);
    await seedUnread(u.userId, 2, 1);
    const hosts = { IMAGE_HOSTS: "images.example.com" };

    for (const headers of [FAST_3X, { ...FAST_3X, "X-App-Version": "3.0.0", "Save-Data": "on", ECT: "2g" }]) {
      const rest = await callWith(hosts, "/v1/screens/home", { token: u.accessToken, headers });
      expect(rest.status).toBe(200);
      const graphql = await callWith(hosts, "/graphql", {
        method: "POST",
        token: u.accessToken,
        headers,
        json: persisted("Home"),
      });
      const body = await graphql.json<GraphqlBody<{ home: Record<string, unknown> }>>();
      expect(body.errors).toBeUndefined();
      const restBody = await rest.json<Record<string, unknown>>();
      expect(withoutNulls(body.data?.home ?? {})).toEqual(restBody);
      // The tailoring happened: a sized image variant, and tags only for an app that knows them.
      const first = (restBody.recent as Record<string, unknown>[]).find((r) => r.imageUrl);
      expect(first?.imageUrl).not.toBe(IMAGE);
      expect("tags" in (first ?? {})).toBe(headers["X-App-Version"] === "3.2.0");
    }
  });

  it("costs one D1 round trip, as GET /v1/screens/home does", async () => {
    const u = await userWithTasks(5);
    const d1 = countingD1(env.DB);
    const homeOp = { method: "POST", token: u.accessToken, json: persisted("Home") };
    // Warm the per-isolate caches (session check, remote config) the way a running isolate has them.
    await callWith({ DB: d1.db }, "/graphql", homeOp);
    await callWith({ DB: d1.db }, "/v1/screens/home", { token: u.accessToken });

    d1.reset();
    expect((await callWith({ DB: d1.db }, "/graphql", homeOp)).status).toBe(200);
    const graphqlTrips = d1.trips();
    d1.reset();
    expect((await callWith({ DB: d1.db }, "/v1/screens/home", { token: u.accessToken })).status).toBe(200);
    expect(graphqlTrips).toBe(1);
    expect(graphqlTrips).toBe(d1.trips());
  });

  it("puts the pages and members of every space in one batch: the list, then one round trip", async () => {
    const u = await userWithTasks(2);
    for (const name of ["A", "B", "C"]) {
      const id = await sharedSpace(u.accessToken, name);
      await seedRecords(u.accessToken, id, [{ collection: "tasks", value: { title: name, done: false } }]);
    }
    const d1 = countingD1(env.DB);
    const op = { method: "POST", token: u.accessToken, json: persisted("Spaces", { first: 10 }) };
    await callWith({ DB: d1.db }, "/graphql", op);
    d1.reset();
    const res = await callWith({ DB: d1.db }, "/graphql", op);
    const body = await res.json<GraphqlBody<{ spaces: { records: { nodes: unknown[] } }[] }>>();
    expect(body.data?.spaces.map((s) => s.records.nodes.length)).toEqual([2, 1, 1, 1]);
    // One for the spaces list (GET /v1/spaces' query), one for 4 pages + the members' IN (...) list.
    expect(d1.trips()).toBe(2);
  });
});

describe("GraphQL depth and cost limits", () => {
  const admin = (query: string) =>
    callWith({ DB: counted.db }, "/graphql", { method: "POST", token: env.ADMIN_API_KEY, json: { query } });
  const counted = countingD1(env.DB);

  it(`refuses an operation nested deeper than ${MAX_DEPTH} before any database work`, async () => {
    let fields = "id";
    for (let i = 0; i < 4; i++) fields = `records { nodes { space { ${fields} } } }`;
    counted.reset();
    const res = await admin(`{ spaces { ${fields} } }`);
    expect(res.status).toBe(400);
    const body = await res.json<GraphqlBody>();
    expect(codes(body)).toEqual(["invalid_query"]);
    expect(body.errors?.[0]?.message).toMatch(/nested \d+ deep/);
    expect(counted.trips()).toBe(0);
  });

  it(`refuses an operation costing over ${MAX_COST} (aliases count) before any database work`, async () => {
    const page = "records(first: 100) { nodes { key value version collection } }";
    counted.reset();
    const res = await admin(`{ a: spaces { ${page} } b: spaces { ${page} } }`);
    expect(res.status).toBe(400);
    expect((await res.json<GraphqlBody>()).errors?.[0]?.message).toMatch(/costs \d+/);
    expect(counted.trips()).toBe(0);
    // A persisted operation's variables count too.
    const u = await userWithTasks(0);
    const big = await call("/graphql", {
      method: "POST",
      token: u.accessToken,
      json: persisted("Spaces", { first: 100000 }),
    });
    expect(big.status).toBe(200);
    expect(codes(await big.json<GraphqlBody>())).toEqual(["invalid_query"]);
  });

  it("answers syntax and validation errors as invalid_query, and never an internal detail", async () => {
    const syntax = await admin("{ me { id ");
    expect(syntax.status).toBe(400);
    expect(codes(await syntax.json<GraphqlBody>())).toEqual(["invalid_query"]);
    const unknownField = await admin("{ config { secret } }");
    expect(codes(await unknownField.json<GraphqlBody>())).toEqual(["invalid_query"]);
    const asUserOnly = await gqlBody("Me", undefined, (await userWithTasks(0)).accessToken);
    expect(JSON.stringify(asUserOnly)).not.toMatch(/SQL|stack|D1_/i);
    await expect(home("x")).resolves.toHaveProperty("status", 401);
  });
});
