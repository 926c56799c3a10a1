import { backoffDelay, type BackoffOptions } from "../backoff.js";
import { OutpostError } from "../errors.js";
import type { TimerHandle, Timers } from "../platform.js";

export interface RunnerSteps {
  push(): Promise<void>;
  pull(): Promise<void>;
  /** Whether anything waits to be pushed (a failed drain retries a push only if so). */
  hasPending(): boolean;
}

export interface RunnerOptions {
  timers: Timers;
  backoff: BackoffOptions;
  random: () => number;
  onState(state: { syncing: boolean; error?: OutpostError | null }): void;
}

/**
 * Runs a space's network work one step at a time, coalescing requests: however many pushes and
 * pulls are asked for while one runs, they are served by the running drain (one pull in flight
 * per space). While `auto` (sync started), a retryable failure retries with exponential backoff
 * and jitter, honouring `Retry-After`; anything else waits for the next trigger.
 */
export class Runner {
  auto = false;
  private want = { push: false, pull: false };
  private requested = 0;
  private completed = 0;
  private running: Promise<void> | undefined;
  private runningUpTo = 0;
  private attempt = 0;
  private retryTimer: TimerHandle | undefined;

  constructor(
    private readonly steps: RunnerSteps,
    private readonly o: RunnerOptions,
  ) {}

  /** Resolves once a drain that started after this call finished (rejects with its error). */
  async kick(push: boolean, pull: boolean): Promise<void> {
    if (push) this.want.push = true;
    if (pull) this.want.pull = true;
    const ticket = ++this.requested;
    while (this.completed < ticket) {
      if (!this.running) {
        this.runningUpTo = this.requested;
        this.running = this.drain(this.runningUpTo).finally(() => {
          this.running = undefined;
        });
      }
      // A drain that began before this call may fail before it reached our request: then we
      // start our own rather than report a failure that predates us.
      const coversUs = this.runningUpTo >= ticket;
      try {
        await this.running;
      } catch (error) {
        if (coversUs) throw error;
      }
    }
  }

  private async drain(upTo: number): Promise<void> {
    this.o.onState({ syncing: true });
    let pulled = false;
    try {
      while (this.want.push || this.want.pull) {
        if (this.want.push) {
          this.want.push = false;
          await this.steps.push();
        } else {
          this.want.pull = false;
          pulled = true;
          await this.steps.pull();
        }
      }
      this.completed = Math.max(this.completed, upTo);
      this.attempt = 0;
      this.o.onState({ syncing: false, error: null });
    } catch (error) {
      if (this.steps.hasPending()) this.want.push = true;
      if (pulled || this.want.pull) this.want.pull = true;
      const e = error instanceof OutpostError ? error : undefined;
      this.o.onState({ syncing: false, error: e ?? null });
      if (this.auto && e?.retryable) this.retryLater(e.retryAfterMs);
      // Kicks already waiting count as served: they learn the error and the retry (if any) goes on.
      this.completed = Math.max(this.completed, upTo);
      throw error;
    }
  }

  private retryLater(retryAfterMs?: number): void {
    if (this.retryTimer !== undefined) return;
    const delay = backoffDelay(this.attempt++, this.o.backoff, retryAfterMs, this.o.random);
    this.retryTimer = this.o.timers.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.auto) this.kick(false, false).catch(() => undefined);
    }, delay);
  }

  /** The network came back (or a poke arrived): retry now instead of at the backoff's time. */
  retryNow(): void {
    if (this.retryTimer === undefined) return;
    this.o.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt = 0;
    this.kick(false, false).catch(() => undefined);
  }

  stop(): void {
    this.auto = false;
    if (this.retryTimer !== undefined) this.o.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Resolves when nothing is running (close() waits for in-flight writes). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
