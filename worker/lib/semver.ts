/**
 * The small part of semver Outpost needs: parse, compare, and ranges of the npm kind
 * (`>=3.0.0`, `<4`, `^3.1.0`, `~3.2`, `3.x`, `1.2.3 - 2.0.0`, space = and, `||` = or).
 * Shared by remote config rules, push targeting, the version policy and field projection.
 */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

/** The one semver grammar: `[v]major.minor.patch[-prerelease][+build]`, no leading zeros. */
const FULL = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;
const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?$/;

export function parseSemver(value: string): SemVer | null {
  const m = FULL.exec(value.trim());
  if (!m) return null;
  return { major: +m[1]!, minor: +m[2]!, patch: +m[3]!, prerelease: m[4] ? m[4].split(".") : [] };
}

/**
 * A version a client sent (`X-App-Version`), normalised to `major.minor.patch[-prerelease]`
 * (build metadata dropped), or undefined. Stricter than `parseSemver` because a header is
 * untrusted: at most 9 digits per number and 64 characters of pre-release or build.
 */
export function parseAppVersion(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const m = FULL.exec(value.trim());
  if (!m) return undefined;
  const [, major = "", minor = "", patch = "", pre, build] = m;
  if (major.length > 9 || minor.length > 9 || patch.length > 9) return undefined;
  if ((pre?.length ?? 0) > 64 || (build?.length ?? 0) > 64) return undefined;
  return `${major}.${minor}.${patch}${pre === undefined ? "" : `-${pre}`}`;
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(+a - +b);
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSemver(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A pre-release sorts before its release.
  if (!a.prerelease.length || !b.prerelease.length)
    return b.prerelease.length - a.prerelease.length === 0 ? 0 : a.prerelease.length ? -1 : 1;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

/** Orders version strings; an unparseable one sorts lowest. */
export function compareVersions(a: string, b: string): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return compareSemver(pa, pb);
}

/** A sortable integer for SQL range filters (pre-releases are folded onto their release). */
export function versionKey(value: string): number | null {
  const v = parseSemver(value);
  if (!v || v.major > 8999 || v.minor > 999999 || v.patch > 999999) return null;
  return v.major * 1e12 + v.minor * 1e6 + v.patch;
}

type Op = "<" | "<=" | ">" | ">=" | "=";
interface Comparator {
  op: Op;
  version: SemVer;
}

const v = (major: number, minor: number, patch: number, prerelease: string[] = []): SemVer => ({
  major,
  minor,
  patch,
  prerelease,
});

/** Expands one range token (e.g. `^1.2`, `>=3.0.0`, `2.x`) into comparators; null if invalid. */
function expandToken(token: string): Comparator[] | null {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/.exec(token);
  if (!m) return null;
  const op = m[1] ?? "";
  const p = PARTIAL.exec(m[2]!);
  if (!p) return null;
  const wild = (s: string | undefined) => s === undefined || /^[xX*]$/.test(s);
  const pre = p[4] ? p[4].split(".") : [];
  if (wild(p[1])) return op === "<" || op === ">" ? [{ op: "<", version: v(0, 0, 0, ["0"]) }] : [];
  const major = +p[1]!;
  const minor = wild(p[2]) ? null : +p[2]!;
  const patch = wild(p[3]) ? null : +p[3]!;
  const lower = v(major, minor ?? 0, patch ?? 0, pre);
  const upperFromWildcard =
    minor === null ? v(major + 1, 0, 0, ["0"]) : patch === null ? v(major, minor + 1, 0, ["0"]) : null;
  switch (op) {
    case "^": {
      const upper =
        major > 0 || minor === null
          ? v(major + 1, 0, 0, ["0"])
          : minor > 0 || patch === null
            ? v(0, minor + 1, 0, ["0"])
            : v(0, 0, (patch ?? 0) + 1, ["0"]);
      return [
        { op: ">=", version: lower },
        { op: "<", version: upper },
      ];
    }
    case "~": {
      const upper = minor === null ? v(major + 1, 0, 0, ["0"]) : v(major, minor + 1, 0, ["0"]);
      return [
        { op: ">=", version: lower },
        { op: "<", version: upper },
      ];
    }
    case ">":
      return [upperFromWildcard ? { op: ">=", version: upperFromWildcard } : { op: ">", version: lower }];
    case "<=":
      return [upperFromWildcard ? { op: "<", version: upperFromWildcard } : { op: "<=", version: lower }];
    case "<":
      // `<4` means "before any 4.x", so 4.0.0-beta is out too (as in npm: `<4.0.0-0`).
      return [
        {
          op,
          version:
            (minor === null || patch === null) && !pre.length ? v(lower.major, lower.minor, 0, ["0"]) : lower,
        },
      ];
    case ">=":
      return [{ op, version: lower }];
    default:
      return upperFromWildcard
        ? [
            { op: ">=", version: lower },
            { op: "<", version: upperFromWildcard },
          ]
        : [{ op: "=", version: lower }];
  }
}

export type SemverRange = Comparator[][];

/** Parses a range; null when it is not a valid range (callers answer 400 for that). */
export function parseRange(range: string): SemverRange | null {
  const trimmed = range.trim();
  if (!trimmed || trimmed.length > 256) return null;
  const sets: SemverRange = [];
  for (const alternative of trimmed.split("||")) {
    const part = alternative.trim();
    // `1.0.0 ||` would otherwise add an empty set, which matches every version.
    if (!part) return null;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(part);
    const tokens = hyphen
      ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`]
      : part.replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1").split(/\s+/);
    const set: Comparator[] = [];
    for (const token of tokens) {
      if (!token) continue;
      const expanded = expandToken(token);
      if (!expanded) return null;
      set.push(...expanded);
    }
    sets.push(set);
  }
  return sets;
}

function test(c: Comparator, version: SemVer): boolean {
  const d = compareSemver(version, c.version);
  switch (c.op) {
    case "<":
      return d < 0;
    case "<=":
      return d <= 0;
    case ">":
      return d > 0;
    case ">=":
      return d >= 0;
    case "=":
      return d === 0;
  }
}

/** True when `version` is in `range`. Invalid versions or ranges never match. */
export function satisfies(version: string, range: string | SemverRange): boolean {
  const parsed = typeof range === "string" ? parseRange(range) : range;
  const ver = parseSemver(version);
  if (!parsed || !ver) return false;
  return satisfiesParsed(ver, parsed);
}

/** `satisfies` for a version and range parsed once up front (hot loops: flag evaluation). */
export function satisfiesParsed(version: SemVer, range: SemverRange): boolean {
  return range.some((set) => set.every((c) => test(c, version)));
}
