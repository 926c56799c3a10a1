/**
 * A token bucket, as a pure function of its state and the clock: the bucket holds at most
 * `capacity` tokens and gains `perMinute` of them a minute; a request takes one or is refused.
 * Refused requests take nothing, so a client that backs off for `retryAfterSeconds` gets in.
 */

export interface BucketPolicy {
  /** The most requests allowed at once (a full bucket). */
  capacity: number;
  /** Tokens added per minute: the sustained rate. */
  perMinute: number;
}

export interface BucketState {
  tokens: number;
  /** Epoch ms of the last update. */
  at: number;
}

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

const MINUTE_MS = 60_000;

/** The bucket at `now`: refilled for the time since its last update, never above capacity. */
function refill(state: BucketState | undefined, policy: BucketPolicy, now: number): number {
  if (!state) return policy.capacity;
  // A clock that went back refills nothing rather than taking tokens away.
  const elapsed = Math.max(0, now - state.at);
  return Math.min(policy.capacity, state.tokens + (elapsed * policy.perMinute) / MINUTE_MS);
}

/** Takes one token at `now` if there is one; returns the verdict and the state to keep. */
export function takeToken(
  state: BucketState | undefined,
  policy: BucketPolicy,
  now: number,
): { result: TakeResult; state: BucketState } {
  const tokens = refill(state, policy, now);
  if (tokens >= 1) {
    return {
      result: { allowed: true, remaining: Math.floor(tokens - 1) },
      state: { tokens: tokens - 1, at: now },
    };
  }
  const waitMs = ((1 - tokens) * MINUTE_MS) / policy.perMinute;
  return {
    result: { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
    state: { tokens, at: now },
  };
}

/** Milliseconds from `state` until the bucket is full again (then it says nothing a new one would not). */
export function msUntilFull(state: BucketState, policy: BucketPolicy): number {
  return Math.max(0, Math.ceil(((policy.capacity - state.tokens) * MINUTE_MS) / policy.perMinute));
}
