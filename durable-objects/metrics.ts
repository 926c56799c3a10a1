import { DurableObject } from "cloudflare:workers";
import { healthCountersOf } from "../worker/ops/health-counters";
import { LATENCY_BOUNDS_MS } from "../worker/ops/latency";
import { type MetricDelta, isValidDelta, normaliseLabels, seriesKey } from "../worker/ops/metric-series";
import type { BatchExtras, MinuteBucket } from "../worker/ops/metrics-client";

/** Series beyond this are dropped (and counted): a label with unbounded values must not fill storage. */
const MAX_SERIES = 10_000;
const DROPPED = "outpost_metrics_dropped_series_total";
/** Per-minute buckets are kept this long: the health charts look back at most a day. */
const MINUTE_RETENTION_MS = 24 * 60 * 60_000;
const MINUTE_MS = 60_000;

/**
 * The one place counters from every isolate add up (one object, reached only through
 * `worker/ops/metrics-client.ts`). Its SQLite storage survives restarts, so counters only ever
 * grow, as Prometheus expects. Writes arrive as batches of deltas every few seconds per isolate,
 * so a single object is far from its limits. Besides the totals (the scrape) it keeps per-minute
 * buckets of the health counters and request latencies (the console's charts), for a day: this
 * is the local metrics backend, where Analytics Engine's writes are discarded.
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
      // key: a health counter name, or latency_<bucket>.
      this.ctx.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS minutes (
           minute INTEGER NOT NULL,
           key TEXT NOT NULL,
           value INTEGER NOT NULL,
           PRIMARY KEY (minute, key)
         )`,
      );
      this.#seriesCount = Number(
        this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM counters").one().n,
      );
    });
  }

  /**
   * Adds a batch of deltas atomically, and into the minute of `extras.at` (the flush time) when
   * given. Invalid entries are skipped, never stored.
   */
  async add(deltas: MetricDelta[], extras?: BatchExtras): Promise<void> {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      let dropped = 0;
      const perMinute = new Map<string, number>();
      const bump = (key: string, by: number) => perMinute.set(key, (perMinute.get(key) ?? 0) + by);
      for (const delta of deltas) {
        if (!isValidDelta(delta)) continue;
        for (const counter of healthCountersOf(delta)) bump(counter, delta.value);
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
      if (extras && Number.isFinite(extras.at)) {
        extras.latency.slice(0, LATENCY_BOUNDS_MS.length + 1).forEach((n, i) => {
          if (Number.isSafeInteger(n) && n > 0) bump(`latency_${i}`, n);
        });
        const minute = Math.floor(extras.at / MINUTE_MS) * MINUTE_MS;
        for (const [key, value] of perMinute) {
          sql.exec(
            `INSERT INTO minutes (minute, key, value) VALUES (?, ?, ?)
             ON CONFLICT(minute, key) DO UPDATE SET value = value + excluded.value`,
            minute,
            key,
            value,
          );
        }
        sql.exec("DELETE FROM minutes WHERE minute < ?", minute - MINUTE_RETENTION_MS);
      }
    });
  }

  /** Per-minute buckets with `from <= minute < to`, oldest first (minutes without data are absent). */
  async minutes(from: number, to: number): Promise<MinuteBucket[]> {
    const rows = this.ctx.storage.sql
      .exec<{ minute: number; key: string; value: number }>(
        "SELECT minute, key, value FROM minutes WHERE minute >= ? AND minute < ? ORDER BY minute",
        from,
        to,
      )
      .toArray();
    const buckets = new Map<number, MinuteBucket>();
    for (const row of rows) {
      let bucket = buckets.get(row.minute);
      if (!bucket) buckets.set(row.minute, (bucket = { minute: row.minute, counters: {}, latency: [] }));
      if (row.key.startsWith("latency_")) bucket.latency[Number(row.key.slice(8))] = Number(row.value);
      else bucket.counters[row.key] = Number(row.value);
    }
    // Sparse latency arrays become dense (0 where no request fell).
    for (const b of buckets.values()) b.latency = Array.from(b.latency, (n) => n ?? 0);
    return [...buckets.values()];
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
