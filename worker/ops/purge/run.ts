import { SILENT_PUSH_WINDOW_MS } from "../../sync/background";
import { countMetric, flushMetrics } from "../metrics";
import { purgeEndedConsoleSessions } from "./queries/console-sessions";
import { purgeSettledDeliveries } from "./queries/deliveries";
import { purgeEndedSessions } from "./queries/sessions";
import { purgeSilentPushLog } from "./queries/silent-push";
import { purgeTombstonesBefore } from "./queries/tombstones";
import { retentionMs } from "./settings";

/**
 * The purge of expired data, run by the Cron Trigger (wrangler.toml `[triggers]`, daily). Each
 * kind of row goes in bounded batches — LIMIT per statement, a bounded number of rounds per run
 * — so one run stays far inside D1's 1,000 queries per invocation and its CPU limit; whatever is
 * left over goes on the next run. Every statement deletes only what is expired at `now`, so runs
 * are idempotent and may overlap.
 */

/** Rows per statement. */
const BATCH_SIZE = 500;
/** Rounds per kind per run: ≤ 40 × 500 = 20,000 rows of each kind a run, ≤ 200 queries (5 kinds). */
const MAX_ROUNDS = 40;

interface PurgeOptions {
  now?: number;
  batchSize?: number;
  maxRounds?: number;
}

/** Rows removed by one run, per kind (the metric's `kind` label). */
interface PurgeCounts {
  sessions: number;
  refresh_tokens: number;
  push_deliveries: number;
  silent_push_log: number;
  tombstones: number;
  console_sessions: number;
}

interface PurgeReport {
  removed: PurgeCounts;
  /** False when a kind still had rows after its last round, or failed (the next run goes on). */
  complete: boolean;
}

/** Runs `round` (true: it removed a full batch) until it does not or the rounds run out. */
async function drain(rounds: number, round: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < rounds; i++) if (!(await round())) return true;
  return false;
}

/** Purges everything expired at `now`; see the query modules for each kind's rule. */
export async function purgeExpired(env: Env, options: PurgeOptions = {}): Promise<PurgeReport> {
  const now = options.now ?? Date.now();
  const size = options.batchSize ?? BATCH_SIZE;
  const rounds = options.maxRounds ?? MAX_ROUNDS;
  const db = env.DB;
  const removed: PurgeCounts = {
    sessions: 0,
    refresh_tokens: 0,
    push_deliveries: 0,
    silent_push_log: 0,
    tombstones: 0,
    console_sessions: 0,
  };
  /** A kind whose statement removes one kind of row: counted, drained while batches are full. */
  const single = (kind: keyof PurgeCounts, purge: () => Promise<number>) => () =>
    drain(rounds, async () => {
      const n = await purge();
      removed[kind] += n;
      return n === size;
    });
  const cutoff = (what: Parameters<typeof retentionMs>[1]) => now - retentionMs(env, what);

  const kinds: Record<string, () => Promise<boolean>> = {
    sessions: () =>
      drain(rounds, async () => {
        const n = await purgeEndedSessions(db, cutoff("sessions"), size);
        removed.sessions += n.sessions;
        removed.refresh_tokens += n.refreshTokens;
        return n.sessions === size || n.refreshTokens === size;
      }),
    push_deliveries: single("push_deliveries", () => purgeSettledDeliveries(db, cutoff("deliveries"), size)),
    silent_push_log: single("silent_push_log", () =>
      purgeSilentPushLog(db, now - SILENT_PUSH_WINDOW_MS, size),
    ),
    tombstones: single("tombstones", () => purgeTombstonesBefore(db, cutoff("tombstones"), size)),
    console_sessions: single("console_sessions", () =>
      purgeEndedConsoleSessions(db, cutoff("sessions"), size),
    ),
  };
  let complete = true;
  for (const [kind, run] of Object.entries(kinds)) {
    try {
      if (!(await run())) complete = false;
    } catch (error) {
      // One kind failing must not keep the others: what it left goes on the next run.
      complete = false;
      console.error(
        JSON.stringify({
          level: "error",
          message: "purge failed",
          kind,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }
  return { removed, complete };
}

/** The Worker's `scheduled` handler: the purge, a metric per kind and one log line. */
export async function handleScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const report = await purgeExpired(env, { now: controller.scheduledTime });
  for (const [kind, n] of Object.entries(report.removed))
    countMetric(env, ctx, "outpost_purged_rows_total", { kind }, n);
  // A cron invocation may be this isolate's last work for a while: send the counts now.
  ctx.waitUntil(flushMetrics(env));
  console.log(JSON.stringify({ level: "info", event: "purge", cron: controller.cron, ...report }));
}
