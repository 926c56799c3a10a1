import { type Labels, type MetricDelta, seriesKey } from "./metric-series";
import { type RequestFacts, counterDataPoint, requestDataPoint } from "./analytics-points";

/**
 * Writes to Workers Analytics Engine (the `ANALYTICS` binding) without ever waiting:
 * `writeDataPoint` returns at once and the runtime sends the points after the response.
 *
 * AE accepts at most 250 points per invocation. A request writes its own point directly (one per
 * invocation); counters (sync, push) are summed per series in this isolate and written as one
 * point per series when the metrics buffer flushes, so a queue batch that sends 1,500 pushes
 * writes a handful of points, not 1,500. Each invocation context gets a budget of
 * MAX_POINTS_PER_INVOCATION (50 under the limit, for the request's own point and headroom); what
 * does not fit stays summed here for the next flush, so counts are delayed, never lost.
 */
export const MAX_POINTS_PER_INVOCATION = 200;
/**
 * A context that outlives one invocation (a Durable Object's state, or none at all) starts a
 * fresh budget after this long: a Durable Object request running longer than a minute is the one
 * case the budget cannot see.
 */
const BUDGET_WINDOW_MS = 60_000;
/** Series summed before a flush; beyond this new series are dropped (as in the counter buffer). */
const MAX_PENDING_SERIES = 2_000;

const pending = new Map<string, MetricDelta>();
const budgets = new WeakMap<object, { used: number; since: number }>();
/** The budget of writes made without a context (tests, a scrape's own flush). */
const NO_CONTEXT = {};

/** Takes up to `want` points from the context's budget; answers how many may be written. */
function spend(ctx: object | undefined, want: number): number {
  const key = ctx ?? NO_CONTEXT;
  const now = Date.now();
  let budget = budgets.get(key);
  if (!budget || now - budget.since > BUDGET_WINDOW_MS) {
    budget = { used: 0, since: now };
    budgets.set(key, budget);
  }
  const granted = Math.max(0, Math.min(want, MAX_POINTS_PER_INVOCATION - budget.used));
  budget.used += granted;
  return granted;
}

function addPending(name: string, labels: Labels, value: number): void {
  const key = seriesKey(name, labels);
  const existing = pending.get(key);
  if (existing) existing.value += value;
  else if (pending.size < MAX_PENDING_SERIES) pending.set(key, { name, labels: { ...labels }, value });
}

/** Sums `value` into the series' pending count (written at the next flush). */
export function addAnalyticsCount(env: Env, name: string, labels: Labels, value: number): void {
  if (!env.ANALYTICS) return;
  addPending(name, labels, value);
}

/** The request's own data point, written now (one per request invocation). */
export function writeRequestPoint(env: Env, ctx: object | undefined, facts: RequestFacts): void {
  const dataset = env.ANALYTICS;
  if (!dataset) return;
  if (spend(ctx, 1) === 1) {
    write(dataset, requestDataPoint(facts));
    return;
  }
  // Over budget (a context shared by many requests): keep the count, lose only the duration.
  addPending(
    "outpost_http_requests_total",
    {
      route: facts.route,
      status: String(facts.status),
      method: facts.method,
      colo: facts.colo ?? "",
      platform: facts.platform ?? "",
    },
    1,
  );
}

/** Writes pending counter points within the context's budget; the rest waits for the next flush. */
export function flushAnalytics(env: Env, ctx: object | undefined): void {
  const dataset = env.ANALYTICS;
  if (!dataset || pending.size === 0) return;
  const granted = spend(ctx, pending.size);
  let written = 0;
  for (const [key, delta] of pending) {
    if (written >= granted) break;
    pending.delete(key);
    written += 1;
    const point = counterDataPoint(delta.name, delta.labels, delta.value);
    if (point) write(dataset, point);
  }
}

function write(dataset: AnalyticsEngineDataset, point: AnalyticsEngineDataPoint): void {
  try {
    dataset.writeDataPoint(point);
  } catch (error) {
    // Metrics must never break a request; a refused point is logged and dropped.
    console.error(
      JSON.stringify({
        level: "warn",
        message: "analytics write failed",
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}
