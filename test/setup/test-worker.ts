/**
 * The Worker as the `workers` test project runs it (vitest.config.ts `main`): everything
 * worker/index.ts exports, with each Durable Object class replaced by a test subclass under the
 * same name (the name wrangler.toml binds), so test hooks never ship in production classes.
 * Tests reach the hooks through the stubs in ./hooks.ts. To add a hook: add a method to the
 * subclass below (or a new subclass exported under the production class's name), reading the
 * object's state from `this.ctx.storage` or, if it must, through a protected member of the
 * production class — and add nothing that changes behaviour unless a test arms it.
 */
import worker, { CampaignScheduler, SyncSpace } from "../../worker/index";
import { withRecordedAnalytics } from "./analytics-double";
import { CountingD1 } from "./counting-d1";

export * from "../../worker/index";

/**
 * The Worker's handlers with `ANALYTICS` replaced by a recorder (./analytics-double.ts), since
 * Miniflare discards Analytics Engine writes; everything else is passed through unchanged.
 */
export default {
  fetch: (request, env, ctx) => worker.fetch(request, withRecordedAnalytics(env), ctx),
  queue: (batch, env, ctx) => worker.queue(batch, withRecordedAnalytics(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, withRecordedAnalytics(env), ctx),
} satisfies ExportedHandler<Env>;

/** Reads one row of a Durable Object's `meta` key/value table (both objects keep one). */
function meta(sql: SqlStorage, query: string, key: string): string | undefined {
  return sql.exec<{ value: string }>(query, key).toArray()[0]?.value;
}

class TestSyncSpace extends SyncSpace {
  #crashAfterCommit: "abort" | "throw" | null = null;
  /** The object's `env.DB`, counted (counting changes nothing it sends). */
  readonly #d1: CountingD1;

  constructor(ctx: DurableObjectState, env: Env) {
    const d1 = new CountingD1(env.DB);
    super(ctx, { ...env, DB: d1.binding });
    this.#d1 = d1;
  }

  /** D1 round trips the object made since the last call. */
  async d1RoundTrips(): Promise<number> {
    return this.#d1.take();
  }

  /**
   * The object's view, from its own storage: the version and client registry it keeps there are
   * written with its memory after every load and commit.
   */
  async inspect(): Promise<{
    spaceId: string | null;
    version: number;
    clients: number;
    sockets: number;
    bookmark: string | null;
  }> {
    const sql = this.ctx.storage.sql;
    const get = (key: string) => meta(sql, "SELECT value FROM meta WHERE key = ?", key);
    return {
      spaceId: get("space_id") ?? null,
      version: Number(get("version") ?? 0),
      clients: sql.exec<{ n: number }>("SELECT count(*) AS n FROM user_clients").one().n,
      sockets: this.ctx.getWebSockets().length,
      bookmark: get("bookmark") ?? null,
    };
  }

  /**
   * The next commit fails after D1 committed and before the object's own write — `abort` kills
   * the object (a restart), `throw` leaves it running with a stale cache (as after a D1 response
   * lost on the way back).
   */
  async armCrashAfterCommit(mode: "abort" | "throw" = "abort"): Promise<void> {
    this.#crashAfterCommit = mode;
  }

  protected override afterD1Commit(): void {
    const crash = this.#crashAfterCommit;
    this.#crashAfterCommit = null;
    if (crash === "abort") this.ctx.abort("test: crash after the D1 commit");
    if (crash === "throw") throw new Error("test: failure after the D1 commit");
  }
}

class TestCampaignScheduler extends CampaignScheduler {
  /** What the scheduler holds: its campaign, plan, buckets and alarm. */
  async state(): Promise<{
    campaignId: string | null;
    planned: boolean;
    cancelled: boolean;
    buckets: { key: string; fireAt: number; firedAt: number | null }[];
    alarmAt: number | null;
  }> {
    const sql = this.ctx.storage.sql;
    const get = (k: string) => meta(sql, "SELECT v AS value FROM meta WHERE k = ?", k) ?? null;
    const buckets = sql
      .exec<{ key: string; fire_at: number; fired_at: number | null }>(
        `SELECT key, fire_at, fired_at FROM buckets ORDER BY fire_at, key`,
      )
      .toArray()
      .map((b) => ({ key: b.key, fireAt: b.fire_at, firedAt: b.fired_at }));
    return {
      campaignId: get("campaignId"),
      planned: get("planned") === "1",
      cancelled: get("cancelled") === "1",
      buckets,
      alarmAt: await this.ctx.storage.getAlarm(),
    };
  }
}

export { TestCampaignScheduler as CampaignScheduler, TestSyncSpace as SyncSpace };
