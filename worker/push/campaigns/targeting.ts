import type { SemverRange } from "../../lib/semver";

/**
 * Pure parts of campaign targeting; the SQL filter built from them is in `queries/targets.ts`.
 */

/** Inclusive `app_version_key` bounds for one `||` alternative of a range. */
interface KeyBounds {
  min: number | null;
  max: number | null;
}

const key = (v: { major: number; minor: number; patch: number }) => v.major * 1e12 + v.minor * 1e6 + v.patch;

/**
 * Loosened SQL bounds for a semver range, one per `||` alternative. `app_version_key` folds
 * pre-releases onto their release, so strict comparisons become inclusive here and the exact
 * test (`satisfies`) runs in code on the narrowed rows.
 */
export function appVersionKeyBounds(range: SemverRange): KeyBounds[] {
  return range.map((set) => {
    let min: number | null = null;
    let max: number | null = null;
    for (const c of set) {
      const k = key(c.version);
      if (c.op === ">" || c.op === ">=" || c.op === "=") min = min === null ? k : Math.max(min, k);
      if (c.op === "<" || c.op === "<=" || c.op === "=") max = max === null ? k : Math.min(max, k);
    }
    return { min, max };
  });
}
