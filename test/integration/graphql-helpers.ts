import { PERSISTED_IDS } from "../../worker/graphql/persisted.generated";
import { call } from "../setup/http";

export type OperationName = keyof typeof PERSISTED_IDS;

export interface GraphqlBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions: { code: string } & Record<string, unknown>;
  }[];
}

/** The body an Apollo client sends for a persisted operation. */
export function persisted(name: OperationName, variables?: Record<string, unknown>) {
  return {
    operationName: name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_IDS[name] } },
  };
}

/** POSTs a persisted operation as an app would. */
export function gql(
  name: OperationName,
  variables?: Record<string, unknown>,
  init: { token?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return call("/graphql", {
    method: "POST",
    token: init.token,
    headers: init.headers,
    json: persisted(name, variables),
  });
}

/** Runs a persisted operation and returns its GraphQL body (expects HTTP 200). */
export async function gqlBody<T = Record<string, unknown>>(
  name: OperationName,
  variables: Record<string, unknown> | undefined,
  token: string,
  headers: Record<string, string> = {},
): Promise<GraphqlBody<T>> {
  const res = await gql(name, variables, { token, headers });
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
  return res.json<GraphqlBody<T>>();
}

/** The codes of a GraphQL body's errors. */
export const codes = (body: GraphqlBody<unknown>) => (body.errors ?? []).map((e) => e.extensions.code);

/**
 * D1 round trips, counted: a D1 binding whose every `batch()` and every statement run outside a
 * batch counts one. Statements are unwrapped before they reach the real binding.
 */
export function countingD1(d1: D1Database): { db: D1Database; trips: () => number; reset: () => void } {
  let trips = 0;
  const targets = new WeakMap<object, D1PreparedStatement>();
  const RUNS = new Set(["first", "all", "run", "raw"]);
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop === "bind")
          return (...args: unknown[]) => wrap(value.apply(target, args) as D1PreparedStatement);
        if (typeof prop === "string" && RUNS.has(prop)) {
          return (...args: unknown[]) => {
            trips += 1;
            return value.apply(target, args) as unknown;
          };
        }
        return value.bind(target) as unknown;
      },
    });
    targets.set(proxy, statement);
    return proxy;
  };
  // The binding and every session opened on it (each request runs in one: database()).
  const counted = <T extends Pick<D1Database, "prepare" | "batch">>(handle: T): T =>
    new Proxy(handle, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
        if (prop === "batch") {
          return (statements: D1PreparedStatement[]) => {
            trips += 1;
            return target.batch(statements.map((s) => targets.get(s) ?? s));
          };
        }
        if (prop === "withSession" && typeof value === "function") {
          return (...args: unknown[]) => counted(value.apply(target, args) as D1DatabaseSession);
        }
        return typeof value === "function" ? (value.bind(target) as unknown) : value;
      },
    });
  const db = counted(d1);
  return { db, trips: () => trips, reset: () => (trips = 0) };
}
