/** One line of a line diff: kept, added (only in `after`) or removed (only in `before`). */
export interface DiffLine {
  op: " " | "+" | "-";
  text: string;
}

/** Past this many lines on each side the table would exceed a few MB; show the whole swap instead. */
const MAX_LINES = 2_000;

/**
 * A line diff by longest common subsequence (pure; configs are a few hundred lines of
 * pretty-printed JSON, so the O(n·m) table is small).
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return [
      ...a.map((text) => ({ op: "-" as const, text })),
      ...b.map((text) => ({ op: "+" as const, text })),
    ];
  }
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: LCS length of a[i..] and b[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[at(i, j)] =
        a[i] === b[j]
          ? (lcs[at(i + 1, j + 1)] ?? 0) + 1
          : Math.max(lcs[at(i + 1, j)] ?? 0, lcs[at(i, j + 1)] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i] ?? "" });
      i++;
      j++;
    } else if ((lcs[at(i + 1, j)] ?? 0) >= (lcs[at(i, j + 1)] ?? 0)) {
      out.push({ op: "-", text: a[i++] ?? "" });
    } else {
      out.push({ op: "+", text: b[j++] ?? "" });
    }
  }
  while (i < n) out.push({ op: "-", text: a[i++] ?? "" });
  while (j < m) out.push({ op: "+", text: b[j++] ?? "" });
  return out;
}
