/**
 * `Vary` lists every request header that shaped a response. Several layers add to it (the route
 * for the device profile, the compression middleware for Accept-Encoding), so additions merge:
 * case-insensitive, no duplicates, first spelling kept, `*` absorbs everything.
 */
export function mergeVary(existing: string | null | undefined, add: readonly string[]): string {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const name of [...(existing ?? "").split(","), ...add]) {
    const trimmed = name.trim();
    if (!trimmed) continue;
    const key = trimmed.toLowerCase();
    if (key === "*") return "*";
    if (seen.has(key)) continue;
    seen.add(key);
    names.push(trimmed);
  }
  return names.join(", ");
}

/** Adds header names to a Headers object's `Vary`. */
export function addVary(headers: Headers, ...add: string[]): void {
  const merged = mergeVary(headers.get("Vary"), add);
  if (merged) headers.set("Vary", merged);
}
