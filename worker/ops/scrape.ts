import type { Db } from "../db/client";
import { countDevicesByPlatform } from "../devices/queries";
import { flushMetrics } from "./metrics";
import { metricsCounter } from "./metrics-client";
import type { MetricDelta } from "./metric-series";
import { renderPrometheus } from "./prometheus";

/**
 * One scrape: this isolate's buffered counts go out first (so they are current), then the
 * counters from the Durable Object and the device gauge from D1 are read side by side.
 */
export async function scrapeMetrics(env: Env, db: Db): Promise<string> {
  await flushMetrics(env);
  const [counters, devices] = await Promise.all([metricsCounter(env).snapshot(), countDevicesByPlatform(db)]);
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
  return renderPrometheus([...counters, ...gauges]);
}
