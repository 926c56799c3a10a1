import { localeMatches } from "../lib/locale";
import { type SemVer, type SemverRange, parseRange, parseSemver, satisfiesParsed } from "../lib/semver";
import type { Platform } from "../tailor/profile";
import type { FlagRule, FlagValue, RemoteConfig } from "./schema";

/** What a flag rule may look at. Everything is optional: a condition on a missing fact never matches. */
export interface FlagContext {
  platform?: Platform;
  /** The app's version (semver). */
  appVersion?: string;
  /** The user's preferred locale (the first Accept-Language entry), e.g. `de-CH`. */
  locale?: string;
  /** The signed-in (possibly anonymous) user; callers without a token have none. */
  userId?: string;
  /** The user's active entitlement ids (loaded only when a rule names entitlements). */
  entitlements?: readonly string[];
}

const FNV_PRIME = 0x01000193;

/**
 * A stable bucket 0..99 for (user, flag): FNV-1a over the UTF-8 bytes of `flag \0 user`, then
 * murmur3's finaliser so neighbouring ids spread evenly. Pure integer arithmetic, so every
 * isolate, region and release agrees. Changing this function reshuffles every rollout: don't.
 * The flag name is mixed in so one user is not in the first 10% of every flag at once.
 */
export function percentBucket(userId: string, flagName: string): number {
  let h = fnv1aUtf8(0x811c9dc5, flagName);
  h = Math.imul(h, FNV_PRIME); // the \0 separator: h ^= 0 is a no-op
  h = fnv1aUtf8(h, userId);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 100;
}

/** FNV-1a steps over the UTF-8 encoding of `text`, without allocating the bytes (hot path). */
function fnv1aUtf8(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      }
    }
    // Lone surrogates encode as U+FFFD, as TextEncoder does.
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), FNV_PRIME);
    } else if (c < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (c >> 12)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
    } else {
      h = Math.imul(h ^ (0xf0 | (c >> 18)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
    }
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
  }
  return h;
}

// Configs are re-evaluated on every request, ranges rarely change: parse each one once.
const ranges = new Map<string, SemverRange | null>();
function cachedRange(range: string): SemverRange | null {
  let parsed = ranges.get(range);
  if (parsed === undefined) {
    if (ranges.size >= 1_000) ranges.clear();
    parsed = parseRange(range);
    ranges.set(range, parsed);
  }
  return parsed;
}

interface PreparedContext {
  platform?: Platform;
  version: SemVer | null;
  locale?: string;
  userId?: string;
  entitlements?: readonly string[];
}

function prepare(ctx: FlagContext): PreparedContext {
  return {
    platform: ctx.platform,
    version: ctx.appVersion ? parseSemver(ctx.appVersion) : null,
    locale: ctx.locale,
    userId: ctx.userId,
    entitlements: ctx.entitlements,
  };
}

function matchPrepared(rule: FlagRule, ctx: PreparedContext, flagName: string): boolean {
  if (rule.platforms && !(ctx.platform && rule.platforms.includes(ctx.platform))) return false;
  if (rule.appVersion !== undefined) {
    const range = cachedRange(rule.appVersion);
    if (!range || !ctx.version || !satisfiesParsed(ctx.version, range)) return false;
  }
  if (rule.locales) {
    const locale = ctx.locale;
    if (!locale || !rule.locales.some((l) => localeMatches(l, locale))) return false;
  }
  if (rule.percent !== undefined) {
    if (!ctx.userId || percentBucket(ctx.userId, flagName) >= rule.percent) return false;
  }
  if (rule.entitlements) {
    // Any of them, like every other list in a rule (platforms, locales); AND comes from listing
    // conditions side by side or ordering rules.
    const held = ctx.entitlements;
    if (!held || !rule.entitlements.some((e) => held.includes(e))) return false;
  }
  return true;
}

/**
 * True when every condition the rule names holds. A percent condition needs a user: without one
 * (no access token) it never matches, so unauthenticated calls see the default — the rollout
 * population is signed-in users, anonymous accounts included. An entitlements condition matches
 * a user holding any of the listed entitlements, active now; without a user it never matches.
 */
export function matchFlagRule(rule: FlagRule, ctx: FlagContext, flagName: string): boolean {
  return matchPrepared(rule, prepare(ctx), flagName);
}

/** Every flag's value for this context: the first matching rule's value, else the default. */
export function evaluateFlags(config: RemoteConfig, ctx: FlagContext): Record<string, FlagValue> {
  const prepared = prepare(ctx);
  const out: Record<string, FlagValue> = {};
  for (const [name, flag] of Object.entries(config.flags)) {
    const rule = flag.rules.find((r) => matchPrepared(r, prepared, name));
    out[name] = rule ? rule.value : flag.default;
  }
  return out;
}

/** Whether any rule of the config looks at entitlements (only then are they loaded). */
export function usesEntitlements(config: RemoteConfig): boolean {
  let cached = entitlementUse.get(config);
  if (cached === undefined) {
    cached = Object.values(config.flags).some((flag) => flag.rules.some((r) => r.entitlements !== undefined));
    entitlementUse.set(config, cached);
  }
  return cached;
}
const entitlementUse = new WeakMap<RemoteConfig, boolean>();
