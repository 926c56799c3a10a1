import { DurableObject } from "cloudflare:workers";
import { type MetricDelta, isValidDelta, normaliseLabels, seriesKey } from "../worker/ops/metric-series";

/** Series beyond this are dropped (and counted): a label with unbounded values must not fill storage. */
const MAX_SERIES = 10_000;
const DROPPED = "outpost_metrics_dropped_series_total";

/**
 * The one place counters from every isolate add up (one object, reached only through
 * `worker/ops/metrics-client.ts`). Its SQLite storage survives restarts, so counters only ever
 * grow, as Prometheus expects. Writes arrive as batches of deltas every few seconds per isolate,
 * so a single object is far from its limits.
 */
export class MetricsCounter extends DurableObject<Env> {
  #seriesCount = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS counters (
           series TEXT PRIMARY KEY,
           name TEXT NOT NULL,
           labels TEXT NOT NULL,
           value INTEGER NOT NULL
         )`,
      );
      this.#seriesCount = Number(
        this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM counters").one().n,
      );
    });
  }

  /** Adds a batch of deltas atomically. Invalid entries are skipped, never stored. */
  async add(deltas: MetricDelta[]): Promise<void> {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      let dropped = 0;
      for (const delta of deltas) {
        if (!isValidDelta(delta)) continue;
        const labels = normaliseLabels(delta.labels);
        const key = seriesKey(delta.name, labels);
        const updated = sql.exec("UPDATE counters SET value = value + ? WHERE series = ?", delta.value, key);
        if (updated.rowsWritten > 0) continue;
        if (this.#seriesCount >= MAX_SERIES) {
          dropped += 1;
          continue;
        }
        sql.exec(
          "INSERT INTO counters (series, name, labels, value) VALUES (?, ?, ?, ?)",
          key,
          delta.name,
          JSON.stringify(labels),
          delta.value,
        );
        this.#seriesCount += 1;
      }
      if (dropped > 0) {
        // The drop counter itself always has room: it is one series, inserted on first use.
        sql.exec(
          `INSERT INTO counters (series, name, labels, value) VALUES (?, ?, '{}', ?)
           ON CONFLICT(series) DO UPDATE SET value = value + excluded.value`,
          DROPPED,
          DROPPED,
          dropped,
        );
      }
    });
  }

  /** Every counter, sorted by series key. */
  async snapshot(): Promise<MetricDelta[]> {
    const rows = this.ctx.storage.sql
      .exec<{ name: string; labels: string; value: number }>(
        "SELECT name, labels, value FROM counters ORDER BY series",
      )
      .toArray();
    return rows.map((row) => ({
      name: row.name,
      labels: JSON.parse(row.labels) as Record<string, string>,
      value: Number(row.value),
    }));
  }
}
