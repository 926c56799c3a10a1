/**
 * The one locale rule, for flag rules (`config/flags.ts`) and push targeting (whose SQL filter in
 * `push/campaigns/queries/targets.ts` mirrors it): case-insensitive, `_` the same as `-`, and a
 * tag matches itself and every more specific tag under it.
 */

/** `de_CH`, `DE-ch` → `de-ch`: the form every comparison uses. */
export function normalizeLocale(tag: string): string {
  return tag.toLowerCase().replaceAll("_", "-");
}

/**
 * Does `locale` (a device's or request's) fall under `wanted` (a rule's or target's)? `de`
 * matches `de`, `de-CH`, `de_AT` and `DE-ch`; `de-CH` does not match `de` or `de-AT`; `d` never
 * matches `de`. No locale never matches.
 */
export function localeMatches(wanted: string, locale: string | null | undefined): boolean {
  if (!locale) return false;
  const want = normalizeLocale(wanted);
  const have = normalizeLocale(locale);
  return have === want || have.startsWith(`${want}-`);
}
