import type { Db } from "../db/client";
import { countDevicesByPlatform } from "../devices/queries";
import { METRIC_LABELS } from "./analytics-points";
import { analyticsDataset, cellNumber, queryAnalytics } from "./analytics-sql";
import { totalsQuery } from "./analytics-queries";
import { flushMetrics } from "./metrics";
import { metricsCounter } from "./metrics-client";
import { metricsSource } from "./metrics-source";
import type { Labels, MetricDelta } from "./metric-series";
import { renderPrometheus } from "./prometheus";

/** Labels the scrape shows per metric: requests by method/route/status (colo and platform stay in AE). */
const SCRAPE_LABELS: Record<string, readonly string[]> = {
  outpost_http_requests_total: ["route", "status", "method"],
};

/** The counters as Analytics Engine sums them, across every isolate and location. */
async function analyticsCounters(env: Env): Promise<MetricDelta[]> {
  const rows = await queryAnalytics<{ name: string; l1: string; l2: string; l3: string; value: unknown }>(
    env,
    totalsQuery(analyticsDataset(env)),
  );
  const out: MetricDelta[] = [];
  for (const row of rows) {
    const order = METRIC_LABELS[row.name];
    if (!order) continue; // a point this version does not know (an older or newer deployment)
    const shown = SCRAPE_LABELS[row.name] ?? order;
    const cells = [row.l1, row.l2, row.l3];
    const labels: Labels = {};
    order.slice(0, 3).forEach((label, i) => {
      if (shown.includes(label)) labels[label] = String(cells[i] ?? "");
    });
    out.push({ name: row.name, labels, value: Math.round(cellNumber(row.value)) });
  }
  return out;
}

/** The counters from this environment's metrics source (./metrics-source.ts). */
async function counters(env: Env): Promise<MetricDelta[]> {
  if (metricsSource(env) === "analytics-engine") return analyticsCounters(env);
  await flushMetrics(env); // this isolate's buffered counts first, so they are current
  return metricsCounter(env).snapshot();
}

/** One scrape: the counters from the environment's source and the device gauge from D1, side by side. */
export async function scrapeMetrics(env: Env, db: Db): Promise<string> {
  const [samples, devices] = await Promise.all([counters(env), countDevicesByPlatform(db)]);
  const byPlatform = new Map<string, number>([
    ["ios", 0],
    ["android", 0],
  ]);
  for (const row of devices) byPlatform.set(row.platform, row.count);
  const gauges: MetricDelta[] = [...byPlatform].map(([platform, value]) => ({
    name: "outpost_devices",
    labels: { platform },
    value,
  }));
  return renderPrometheus([...samples, ...gauges]);
}
