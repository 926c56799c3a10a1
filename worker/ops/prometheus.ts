import { type MetricDelta, seriesKey } from "./metric-series";

interface MetricInfo {
  type: "counter" | "gauge";
  help: string;
}

/**
 * Every metric Outpost exports, so a scrape always names them (with HELP and TYPE) even before
 * the first event. Unlabelled counters also get an explicit 0 sample, so `rate()` has a start.
 */
const METRIC_CATALOG: Record<string, MetricInfo> = {
  outpost_http_requests_total: {
    type: "counter",
    help: "HTTP requests by method, route template and status.",
  },
  outpost_sync_pushes_total: { type: "counter", help: "Sync push requests applied." },
  outpost_sync_pulls_total: { type: "counter", help: "Sync pull requests answered." },
  outpost_sync_mutations_total: { type: "counter", help: "Mutations in applied sync pushes." },
  outpost_push_sent_total: {
    type: "counter",
    help: "Push notifications accepted by a provider, by provider.",
  },
  outpost_push_failed_total: { type: "counter", help: "Push notifications that failed, by reason." },
  outpost_push_pruned_total: {
    type: "counter",
    help: "Push tokens pruned because the provider called them dead.",
  },
  outpost_metrics_dropped_series_total: {
    type: "counter",
    help: "Counter updates dropped because the series limit was reached.",
  },
  outpost_devices: { type: "gauge", help: "Registered devices by platform, counted at scrape time." },
};

const UNLABELLED_COUNTERS = [
  "outpost_sync_pushes_total",
  "outpost_sync_pulls_total",
  "outpost_sync_mutations_total",
  "outpost_push_pruned_total",
];

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(value) : "NaN";
}

/** Prometheus text exposition format 0.0.4: families sorted by name, samples by series. */
export function renderPrometheus(samples: MetricDelta[]): string {
  const families = new Map<string, Map<string, number>>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = new Map()));
    return f;
  };
  for (const name of Object.keys(METRIC_CATALOG)) family(name);
  for (const name of UNLABELLED_COUNTERS) family(name).set(name, 0);
  for (const s of samples) {
    const key = seriesKey(s.name, s.labels);
    const f = family(s.name);
    f.set(key, (f.get(key) ?? 0) + s.value);
  }
  const lines: string[] = [];
  for (const name of [...families.keys()].sort()) {
    const info = METRIC_CATALOG[name] ?? { type: "counter", help: "Outpost counter." };
    lines.push(`# HELP ${name} ${info.help}`, `# TYPE ${name} ${info.type}`);
    const series = families.get(name) ?? new Map<string, number>();
    for (const key of [...series.keys()].sort()) lines.push(`${key} ${formatValue(series.get(key) ?? 0)}`);
  }
  return `${lines.join("\n")}\n`;
}
