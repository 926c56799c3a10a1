import type { Context } from "hono";
import { raw } from "hono/html";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { type HealthPoint, type HealthSeries, healthSeries } from "../ops/health";
import { type LineChart, lineChartSvg } from "./health-chart";
import { Layout, utc } from "./layout";
import { page } from "./respond";
import { services } from "./services";

/** The windows a person can pick; anything else asked for falls back to the first. */
const WINDOWS = [
  { minutes: 60, label: "Last hour" },
  { minutes: 360, label: "Last 6 hours" },
  { minutes: 1_440, label: "Last 24 hours" },
] as const;

const BLUE = "#0b57d0";
const RED = "#b3261e";
const GREEN = "#146c2e";
const AMBER = "#b06000";

type Column = { key: keyof HealthPoint; name: string; color: string };

const CHARTS: { id: string; title: string; unit?: string; columns: Column[] }[] = [
  {
    id: "requests",
    title: "Requests and server errors",
    columns: [
      { key: "requests", name: "requests", color: BLUE },
      { key: "errors", name: "5xx errors", color: RED },
    ],
  },
  {
    id: "latency",
    title: "Request latency",
    unit: "ms",
    columns: [
      { key: "p50Ms", name: "p50", color: BLUE },
      { key: "p95Ms", name: "p95", color: AMBER },
    ],
  },
  {
    id: "sync",
    title: "Sync",
    columns: [
      { key: "syncPushes", name: "pushes", color: BLUE },
      { key: "syncPulls", name: "pulls", color: GREEN },
      { key: "syncMutations", name: "mutations", color: AMBER },
    ],
  },
  {
    id: "push",
    title: "Push notifications",
    columns: [
      { key: "pushSent", name: "sent", color: GREEN },
      { key: "pushFailed", name: "failed", color: RED },
      { key: "pushPruned", name: "pruned tokens", color: AMBER },
    ],
  },
];

function sum(points: HealthPoint[], key: keyof HealthPoint): number {
  return points.reduce((total, p) => total + (typeof p[key] === "number" ? (p[key] as number) : 0), 0);
}

function ChartSection({ series, chart }: { series: HealthSeries; chart: (typeof CHARTS)[number] }) {
  const spec: LineChart = {
    id: `chart-${chart.id}`,
    title: chart.title,
    unit: chart.unit,
    times: series.points.map((p) => p.at),
    series: chart.columns.map((col) => ({
      name: col.name,
      color: col.color,
      values: series.points.map((p) => p[col.key] as number | null),
    })),
  };
  // Only the steps with something in them: a day of 15-minute steps stays a readable table.
  const rows = series.points.filter((p) => chart.columns.some((col) => (p[col.key] ?? 0) !== 0));
  return (
    <section aria-labelledby={`${chart.id}-h`}>
      <h2 id={`${chart.id}-h`}>{chart.title}</h2>
      {raw(lineChartSvg(spec))}
      <details>
        <summary>{`${chart.title}: the numbers`}</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Step start (UTC)</th>
                {chart.columns.map((col) => (
                  <th scope="col">{chart.unit ? `${col.name} (${chart.unit})` : col.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colspan={chart.columns.length + 1}>Nothing in this window.</td>
                </tr>
              ) : (
                rows.map((p) => (
                  <tr>
                    <td>{utc(p.at)}</td>
                    {chart.columns.map((col) => (
                      <td>{p[col.key] === null ? "–" : String(p[col.key])}</td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

/**
 * `GET /console/health`: requests, server errors, latency, sync and push over a chosen window,
 * from this environment's metrics source (`healthSeries`), drawn as server-rendered SVG.
 */
export async function healthPage(c: Context<AppEnv>, csrf: string): Promise<Response> {
  const asked = Number(c.req.query("minutes"));
  const window = WINDOWS.find((w) => w.minutes === asked) ?? WINDOWS[0];
  let series: HealthSeries | null = null;
  try {
    series = await healthSeries(c.env, { minutes: window.minutes, flush: services(c).flushMetrics });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 503)) throw error;
  }
  const requests = series ? sum(series.points, "requests") : 0;
  const errors = series ? sum(series.points, "errors") : 0;
  return page(
    c,
    <Layout title="Health" section="health" csrf={csrf}>
      <section aria-labelledby="window-h">
        <h2 id="window-h">Window</h2>
        <form method="get" action="/console/health">
          <label for="minutes">Time window</label>
          <select id="minutes" name="minutes">
            {WINDOWS.map((w) => (
              <option value={String(w.minutes)} selected={w.minutes === window.minutes}>
                {w.label}
              </option>
            ))}
          </select>
          <button type="submit">Show</button>
        </form>
        {series ? (
          <p>
            {series.source === "analytics-engine"
              ? "Source: Workers Analytics Engine (every isolate and location)."
              : "Source: the local MetricsCounter Durable Object (Analytics Engine is not configured here)."}{" "}
            {`Steps of ${series.stepMs / 60_000} minute${series.stepMs === 60_000 ? "" : "s"}, times in UTC.`}
          </p>
        ) : null}
      </section>
      {series ? (
        <>
          <section aria-labelledby="totals-h">
            <h2 id="totals-h">In this window</h2>
            <dl class="funnel">
              <div>
                <dt>Requests</dt>
                <dd>{String(requests)}</dd>
              </div>
              <div>
                <dt>Server errors</dt>
                <dd>
                  {requests > 0 ? `${String(errors)} (${((errors / requests) * 100).toFixed(2)}%)` : "0"}
                </dd>
              </div>
              <div>
                <dt>Sync pushes</dt>
                <dd>{String(sum(series.points, "syncPushes"))}</dd>
              </div>
              <div>
                <dt>Pushes sent</dt>
                <dd>{String(sum(series.points, "pushSent"))}</dd>
              </div>
              <div>
                <dt>Pushes failed</dt>
                <dd>{String(sum(series.points, "pushFailed"))}</dd>
              </div>
            </dl>
          </section>
          {CHARTS.map((chart) => (
            <ChartSection series={series} chart={chart} />
          ))}
        </>
      ) : (
        <section>
          <p class="error" role="alert">
            The metrics source did not answer (the Analytics Engine SQL API). Try again in a minute.
          </p>
        </section>
      )}
    </Layout>,
  );
}
