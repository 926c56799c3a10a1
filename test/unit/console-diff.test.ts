import { describe, expect, it } from "vitest";
import { lineDiff } from "../../worker/console/diff";

const render = (before: string, after: string) =>
  lineDiff(before, after)
    .map((l) => `${l.op}${l.text}`)
    .join("\n");

describe("the console's config diff", () => {
  it("keeps common lines and marks what was removed and added, in order", () => {
    expect(render("a\nb\nc", "a\nx\nc")).toBe(" a\n-b\n+x\n c");
  });

  it("shows an insertion and a deletion without disturbing the lines around them", () => {
    expect(render("a\nb", "a\nb\nc")).toBe(" a\n b\n+c");
    expect(render("a\nb\nc", "a\nc")).toBe(" a\n-b\n c");
  });

  it("replays to the new text: kept and added lines are exactly `after`", () => {
    const before = JSON.stringify({ flags: { a: { default: true, rules: [] } } }, null, 2);
    const after = JSON.stringify(
      { flags: { a: { default: false, rules: [] }, b: { default: 1, rules: [] } } },
      null,
      2,
    );
    const diff = lineDiff(before, after);
    expect(diff.filter((l) => l.op !== "-").map((l) => l.text)).toEqual(after.split("\n"));
    expect(diff.filter((l) => l.op !== "+").map((l) => l.text)).toEqual(before.split("\n"));
  });

  it("equal texts have no changes", () => {
    expect(lineDiff("x\ny", "x\ny").every((l) => l.op === " ")).toBe(true);
  });
});
