import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { limitRefusal, MAX_COST, MAX_DEPTH, measureOperation } from "../../worker/graphql/limits";

function measure(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error("no operation");
  return measureOperation(document, operation, variables);
}

describe("measureOperation", () => {
  it("counts every field once, and aliases again", () => {
    expect(measure("{ me { id email } }")).toEqual({ depth: 2, cost: 3 });
    expect(measure("{ a: me { id } b: me { id } }").cost).toBe(4);
  });

  it("multiplies what is under a page by first (a variable, clamped to the page maximum) or its default", () => {
    const q = "query($n: Int) { inbox(first: $n) { nodes { id } } }";
    expect(measure(q, { n: 10 }).cost).toBe(1 + 10 * 2);
    expect(measure(q, {}).cost).toBe(1 + 20 * 2);
    expect(measure(q, { n: 1_000_000 }).cost).toBe(1 + 100 * 2);
  });

  it("follows fragments and inline fragments, and leaves introspection out", () => {
    const q = "query { ...F } fragment F on Query { me { ... on User { id } } __schema { types { name } } }";
    expect(measure(q)).toEqual({ depth: 2, cost: 2 });
  });

  it("refuses past either limit, with the numbers in the message", () => {
    expect(limitRefusal({ depth: MAX_DEPTH, cost: MAX_COST })).toBeNull();
    expect(limitRefusal({ depth: MAX_DEPTH + 1, cost: 1 })).toMatch(/nested 9 deep/);
    expect(limitRefusal({ depth: 1, cost: MAX_COST + 1 })).toMatch(/costs 10001/);
  });
});
