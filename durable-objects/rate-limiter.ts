import { DurableObject } from "cloudflare:workers";
import {
  msUntilFull,
  takeToken,
  type BucketPolicy,
  type BucketState,
  type TakeResult,
} from "../worker/limits/token-bucket";

const STATE_KEY = "bucket";
/** When the stored bucket is full again: an object restarted from storage still knows. */
const FULL_AT_KEY = "full_at";

/**
 * A busy key's bucket is forgotten at most this long after it was last full, so a hot key costs
 * one alarm a minute rather than one per request (at the default 6,000 pushes a minute a bucket
 * is full again ~10 ms after each take: an alarm per take was a storage write and an object
 * wake-up per request, most of a sync push's cost under load — see bench/README.md "Writes").
 */
const FORGET_AFTER_MS = 60_000;

/**
 * One token bucket: one object per (limit, key), named by worker/limits/limiter-client.ts. A
 * single-threaded object makes the count exact, which the per-location Rate Limiting binding is
 * not. `take` never awaits, so two requests can never both take the last token.
 *
 * The bucket is written to storage (synchronous KV API, same turn) only while it is less than
 * half full: a client far inside its limit — every real app — costs no storage write and no
 * alarm per request, and each one was a durable write on the request's path (most of a sync
 * push's cost under load: bench/README.md "Writes"). The price is bounded: an object that
 * restarts (evicted after idling, or reset) may grant at most half a bucket beyond the exact
 * count, because whenever a take was not stored the bucket held at least half its capacity.
 */
export class RateLimiter extends DurableObject<Env> {
  #state: BucketState | undefined;
  /** When this bucket will be full again (then it says nothing a new one would not). */
  #fullAt = 0;
  /** The alarm this instance set (null: none yet, or unknown after a restart). */
  #alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#state = ctx.storage.kv.get<BucketState>(STATE_KEY);
    this.#fullAt = ctx.storage.kv.get<number>(FULL_AT_KEY) ?? 0;
  }

  async take(policy: BucketPolicy): Promise<TakeResult> {
    const now = Date.now();
    const { result, state } = takeToken(this.#state, policy, now);
    this.#state = state;
    this.#fullAt = now + msUntilFull(state, policy);
    if (state.tokens < policy.capacity / 2) {
      this.ctx.storage.kv.put(STATE_KEY, state);
      this.ctx.storage.kv.put(FULL_AT_KEY, this.#fullAt);
      // One alarm at a time: it re-arms itself if takes since have moved the full time later.
      if (this.#alarmAt === null) this.#arm(this.#fullAt);
    }
    return result;
  }

  /**
   * Forgets the bucket if it was due to be full by the time this alarm was set for; takes since
   * moved that later, so it re-arms — no sooner than FORGET_AFTER_MS from now for a busy key.
   */
  override async alarm(): Promise<void> {
    // Restarted since it was set: the alarm is running at (about) the time it was set for.
    const scheduled = this.#alarmAt ?? Date.now();
    this.#alarmAt = null;
    if (this.#fullAt <= scheduled) {
      this.#state = undefined;
      this.#fullAt = 0;
      await this.ctx.storage.deleteAll();
      return;
    }
    this.#arm(Math.max(this.#fullAt, Date.now() + FORGET_AFTER_MS));
  }

  #arm(at: number): void {
    this.#alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }
}
