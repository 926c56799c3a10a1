import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../../worker/lib/json-depth";

const arrays = (levels: number): unknown => {
  let v: unknown = "x";
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe("nestsDeeperThan", () => {
  it.each([
    ["a scalar", "x", 0, false],
    ["an empty object", {}, 1, false],
    ["an empty object", {}, 0, true],
    ["32 levels", arrays(32), 32, false],
    ["33 levels", arrays(33), 32, true],
    ["a deep branch beside a shallow one", { a: 1, b: { c: [[{}]] } }, 4, true],
  ])("measures %s", (_name, value, max, expected) => {
    expect(nestsDeeperThan(value, max)).toBe(expected);
  });

  it("walks 100,000 levels without overflowing the stack", () => {
    expect(nestsDeeperThan(arrays(100_000), 32)).toBe(true);
  });
});
