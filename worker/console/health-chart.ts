/**
 * Line charts as inline SVG, drawn on the server by one pure function: no charting library in the
 * bundle, no script in the page, nothing the console's CSP refuses (colours are SVG presentation
 * attributes, not style attributes). Each chart carries a <title> and a <desc> that says what the
 * lines show in words, and the page puts the same numbers in a table for screen readers.
 */

export interface ChartSeries {
  /** Legend text, e.g. "p95". */
  name: string;
  /** One value per time; null where there is nothing to say (a quiet minute's latency). */
  values: (number | null)[];
  color: string;
}

export interface LineChart {
  /** Unique in the page: ids of the title and description derive from it. */
  id: string;
  title: string;
  /** Appended to axis labels, e.g. "ms". */
  unit?: string;
  /** Start of each step (ms since the epoch), ascending, as long as every series' values. */
  times: number[];
  series: ChartSeries[];
}

const WIDTH = 480;
const HEIGHT = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 40 };

function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** The smallest 1, 2 or 5 × 10^n at or above `max` (1 when there is no data): round axis labels. */
export function niceCeiling(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** `1234` → `1.2k`, `0.5` → `0.5`: axis labels short enough for a phone. */
export function formatNumber(n: number): string {
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toFixed(1))}M`;
  if (n >= 1_000) return `${Number((n / 1_000).toFixed(1))}k`;
  return String(Number(n.toFixed(1)));
}

/** `14:05` in UTC (the console shows every time in UTC). */
function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** Runs of consecutive non-null values: a gap breaks the line rather than drawing through zero. */
function segments(values: (number | null)[]): { i: number; v: number }[][] {
  const out: { i: number; v: number }[][] = [];
  let current: { i: number; v: number }[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length) out.push(current);
      current = [];
    } else current.push({ i, v });
  });
  if (current.length) out.push(current);
  return out;
}

/** What the chart shows, in words: each series' latest value and its peak. */
export function describeChart(chart: LineChart): string {
  const unit = chart.unit ? ` ${chart.unit}` : "";
  const parts = chart.series.map((s) => {
    const known = s.values.filter((v): v is number => v !== null && Number.isFinite(v));
    if (known.length === 0) return `${s.name}: no data`;
    const latest = known[known.length - 1] ?? 0;
    return `${s.name}: latest ${formatNumber(latest)}${unit}, peak ${formatNumber(Math.max(...known))}${unit}`;
  });
  const span =
    chart.times.length > 0
      ? ` from ${hhmm(chart.times[0] ?? 0)} to ${hhmm(chart.times[chart.times.length - 1] ?? 0)} UTC`
      : "";
  return `${chart.title}${span}. ${parts.join("; ")}.`;
}

/** The chart as an `<svg>` element (a string of markup, every text escaped). */
export function lineChartSvg(chart: LineChart): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const n = chart.times.length;
  const all = chart.series
    .flatMap((s) => s.values)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const top = niceCeiling(Math.max(0, ...all));
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (Math.max(0, v) / top) * plotH;
  const round = (v: number) => Math.round(v * 10) / 10;
  const unit = chart.unit ? ` ${chart.unit}` : "";
  const id = escapeXml(chart.id);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
      `aria-labelledby="${id}-title" aria-describedby="${id}-desc" preserveAspectRatio="xMidYMid meet">`,
    `<title id="${id}-title">${escapeXml(chart.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(describeChart(chart))}</desc>`,
  );
  // Grid lines and y labels at 0, half and the top.
  for (const v of [0, top / 2, top]) {
    const gy = round(y(v));
    parts.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${gy}" y2="${gy}" stroke="#e4e7eb" stroke-width="1"/>`,
      `<text x="${PAD.left - 6}" y="${gy + 4}" text-anchor="end" font-size="13" fill="#444">${escapeXml(formatNumber(v) + unit)}</text>`,
    );
  }
  // Time labels: first, middle and last step.
  if (n > 0) {
    const ticks = [...new Set([0, Math.floor((n - 1) / 2), n - 1])];
    for (const i of ticks) {
      const anchor = n === 1 ? "middle" : i === 0 ? "start" : i === n - 1 ? "end" : "middle";
      parts.push(
        `<text x="${round(x(i))}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="${anchor}" font-size="13" fill="#444">${hhmm(chart.times[i] ?? 0)}</text>`,
      );
    }
  }
  // The lines (a lone point in a run is drawn as a dot, so it is not lost).
  for (const s of chart.series) {
    const color = escapeXml(s.color);
    for (const run of segments(s.values)) {
      if (run.length === 1) {
        const [p] = run;
        if (p) parts.push(`<circle cx="${round(x(p.i))}" cy="${round(y(p.v))}" r="2.5" fill="${color}"/>`);
        continue;
      }
      const points = run.map((p) => `${round(x(p.i))},${round(y(p.v))}`).join(" ");
      parts.push(
        `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`,
      );
    }
  }
  // Legend along the bottom.
  let lx = PAD.left;
  for (const s of chart.series) {
    const ly = HEIGHT - 8;
    parts.push(
      `<rect x="${lx}" y="${ly - 9}" width="12" height="4" fill="${escapeXml(s.color)}"/>`,
      `<text x="${lx + 16}" y="${ly - 4}" font-size="14" fill="#222">${escapeXml(s.name)}</text>`,
    );
    lx += 28 + s.name.length * 8;
  }
  parts.push("</svg>");
  return parts.join("");
}
