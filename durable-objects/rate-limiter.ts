import { DurableObject } from "cloudflare:workers";
import {
  msUntilFull,
  takeToken,
  type BucketPolicy,
  type BucketState,
  type TakeResult,
} from "../worker/limits/token-bucket";

const STATE_KEY = "bucket";

/**
 * One token bucket: one object per (limit, key), named by worker/limits/limiter-client.ts. A
 * single-threaded object makes the count exact, which the per-location Rate Limiting binding is
 * not. `take` never awaits, so two requests can never both take the last token; the state is
 * written with the synchronous KV API in the same turn.
 */
export class RateLimiter extends DurableObject<Env> {
  #state: BucketState | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#state = ctx.storage.kv.get<BucketState>(STATE_KEY);
  }

  async take(policy: BucketPolicy): Promise<TakeResult> {
    const now = Date.now();
    const { result, state } = takeToken(this.#state, policy, now);
    this.#state = state;
    this.ctx.storage.kv.put(STATE_KEY, state);
    // Once full again the bucket says nothing a new one would not: forget it then, so an object
    // per user leaves no storage behind. Each take moves the alarm later.
    void this.ctx.storage.setAlarm(now + msUntilFull(state, policy));
    return result;
  }

  override async alarm(): Promise<void> {
    this.#state = undefined;
    await this.ctx.storage.deleteAll();
  }
}
