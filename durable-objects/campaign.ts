import { DurableObject } from "cloudflare:workers";
import { getDb, type Db } from "../worker/db/client";
import { dispatchBucket, type FanOutSinks, planDeliveries } from "../worker/push/campaigns/fan-out";
import { findCampaign, markDispatched, markSending } from "../worker/push/campaigns/queries/campaigns";
import { cancelPending, completeIfDone } from "../worker/push/campaigns/queries/ledger";
import { firstWakeAt, notBefore, planBuckets } from "../worker/push/campaigns/schedule";

/**
 * One per campaign (`idFromName(campaignId)`). It resolves the campaign's targets into the
 * delivery ledger, keeps the schedule as buckets in its own SQLite (one per timezone for
 * `localTime`, else one), and on each alarm hands the due buckets to the queue and re-arms for the
 * next. A bucket is marked fired after it is enqueued, so an alarm that fires again (alarms are
 * at-least-once) finds nothing due: a no-op. Work is serialised through one promise chain,
 * because awaiting D1 lets RPC calls (a cancel) interleave.
 */
export class CampaignScheduler extends DurableObject<Env> {
  #sql: SqlStorage;
  #db: Db;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#db = getDb(env.DB);
    ctx.blockConcurrencyWhile(async () => {
      this.#sql.exec(`CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
      this.#sql.exec(
        `CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, fire_at INTEGER NOT NULL, fired_at INTEGER)`,
      );
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work, work);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #get(k: string): string | null {
    const row = this.#sql.exec<{ v: string }>(`SELECT v FROM meta WHERE k = ?`, k).toArray()[0];
    return row ? row.v : null;
  }

  #set(k: string, v: string): void {
    this.#sql.exec(
      `INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`,
      k,
      v,
    );
  }

  #cancelled(): boolean {
    return this.#get("cancelled") === "1";
  }

  /** Where fan-out writes: the ledger and inbox, and the push queue. */
  #sinks(): FanOutSinks {
    return { db: this.#db, queue: this.env.PUSH_QUEUE, entitlements: this.env.ENTITLEMENTS };
  }

  /**
   * Takes the campaign on (first call) and makes sure an alarm is armed while work remains.
   * False when this object already belongs to another campaign (ids are never reused).
   */
  async schedule(campaignId: string, wakeAt: number): Promise<boolean> {
    const known = this.#get("campaignId");
    if (known !== null && known !== campaignId) return false;
    if (this.#cancelled()) return true;
    if (known === null) this.#set("campaignId", campaignId);
    if (this.#get("done") === "1") return true;
    const current = await this.ctx.storage.getAlarm();
    if (current === null) await this.ctx.storage.setAlarm(this.#nextWake() ?? wakeAt);
    return true;
  }

  /** Drops every bucket not yet fired; the alarm stops and any running dispatch stops at its next page. */
  async cancel(): Promise<void> {
    this.#set("cancelled", "1");
    this.#sql.exec(`DELETE FROM buckets WHERE fired_at IS NULL`);
    await this.ctx.storage.deleteAlarm();
  }

  #nextWake(): number | null {
    const row = this.#sql
      .exec<{ at: number | null }>(`SELECT min(fire_at) AS at FROM buckets WHERE fired_at IS NULL`)
      .toArray()[0];
    return row?.at ?? null;
  }

  override async alarm(): Promise<void> {
    await this.#serial(() => this.#run());
  }

  async #run(): Promise<void> {
    const campaignId = this.#get("campaignId");
    if (campaignId === null || this.#cancelled() || this.#get("done") === "1") return;
    const campaign = await findCampaign(this.#db, campaignId);
    const stop = () => this.#cancelled();
    if (!campaign || campaign.status === "cancelled") {
      this.#set("cancelled", "1");
      return;
    }
    const now = Date.now();
    if (this.#get("planned") !== "1") {
      // Woken early (a forced or retried alarm): targets are resolved when the campaign is due.
      const wakeAt = firstWakeAt(campaign, now);
      if (wakeAt > now) {
        await this.ctx.storage.setAlarm(wakeAt);
        return;
      }
      // A plain campaign that is due goes out page by page while it is being resolved.
      const dispatchNow = !campaign.localTime && notBefore(campaign, now) <= now;
      if (dispatchNow) await markSending(this.#db, campaignId);
      const keys = await planDeliveries(this.#sinks(), campaign, now, stop, dispatchNow);
      if (stop()) return this.#afterCancel(campaignId);
      for (const b of planBuckets(campaign, keys, now)) {
        this.#sql.exec(
          `INSERT OR IGNORE INTO buckets (key, fire_at, fired_at) VALUES (?, ?, ?)`,
          b.key,
          b.fireAt,
          dispatchNow ? Date.now() : null,
        );
      }
      this.#set("planned", "1");
    }
    const due = this.#sql
      .exec<{ key: string }>(
        `SELECT key FROM buckets WHERE fired_at IS NULL AND fire_at <= ? ORDER BY fire_at, key`,
        Date.now(),
      )
      .toArray();
    for (const { key } of due) {
      await dispatchBucket(this.#sinks(), campaign, key, Date.now(), stop);
      if (stop()) return this.#afterCancel(campaignId);
      this.#sql.exec(`UPDATE buckets SET fired_at = ? WHERE key = ?`, Date.now(), key);
    }
    const next = this.#nextWake();
    if (next !== null) {
      await this.ctx.storage.setAlarm(next);
      return;
    }
    await markDispatched(this.#db, campaignId, Date.now());
    await completeIfDone(this.#db, campaignId, Date.now());
    this.#set("done", "1");
  }

  /** A cancel that raced a running plan or dispatch: rows it inserted after the cancel stay unsent. */
  async #afterCancel(campaignId: string): Promise<void> {
    await cancelPending(this.#db, campaignId);
  }
}
