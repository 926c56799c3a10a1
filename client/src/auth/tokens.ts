import type { Emitter } from "../emitter.js";
import { OutpostError, signedOutError } from "../errors.js";
import type { Http, TokenSource } from "../http.js";
import { KEYS } from "../keys.js";
import { randomId, sleep, type Timers } from "../platform.js";
import type { OutpostStorage } from "../storage/types.js";
import { withStorageLock } from "./lock.js";
import type { RefreshResponseBody } from "../api-types.js";
import { readSession, type Session, type User } from "./session.js";

export interface AuthEvents {
  change: User | null;
  signedOut: { reason: string };
}

export interface TokenKeeperOptions {
  http: Http;
  storage: OutpostStorage;
  timers: Timers;
  now: () => number;
  events: Emitter<AuthEvents>;
}

/** Refresh this long before expiry, so a request never leaves with a token about to lapse. */
const EXPIRY_SKEW_MS = 60_000;
/** Covers three refresh attempts (timeouts included, see below) by the instance holding the lock. */
const LOCK_LEASE_MS = 30_000;
/**
 * The server treats the previous token as a retry for 10 s after it first saw it: three attempts
 * of at most 4 s each, 0.2 s and 1 s apart, all start inside that window (0, ≤ 4.2, ≤ 9.2 s) and
 * end (≤ 13.2 s) well inside the lock's lease, so no other instance presents the token meanwhile.
 */
const RETRY_DELAYS_MS = [200, 1_000];
const REFRESH_TIMEOUT_MS = 4_000;
const FATAL = new Set(["refresh_token_reused", "invalid_refresh_token"]);

/**
 * Owns the session: hands out access tokens and refreshes them single-flight. Within one
 * instance, concurrent callers share one promise; across instances on one storage (app +
 * extension), a storage lease serialises refreshes and the loser adopts the winner's tokens
 * after re-reading storage, so exactly one refresh call is made.
 */
export class TokenKeeper implements TokenSource {
  session: Session | null = null;
  private flight: Promise<Session> | null = null;
  private readonly owner = randomId();

  constructor(private readonly o: TokenKeeperOptions) {}

  async load(): Promise<void> {
    this.session = await readSession(this.o.storage);
  }

  /** Stores a new session (sign-in or refresh) and announces a user change. */
  async save(next: Session | null): Promise<void> {
    await this.o.storage.setMany([[KEYS.session, next ? JSON.stringify(next) : null]]);
    this.adopt(next);
  }

  private adopt(next: Session | null): void {
    const before = this.session?.user;
    this.session = next;
    const after = next?.user;
    if (before?.id !== after?.id || before?.anonymous !== after?.anonymous)
      this.o.events.emit("change", after ?? null);
  }

  async access(): Promise<string | null> {
    // Another instance may have signed in, refreshed or signed out: storage is the truth.
    const stored = await readSession(this.o.storage);
    if (stored?.refreshToken !== this.session?.refreshToken) this.adopt(stored);
    const s = this.session;
    if (!s) return null;
    if (s.expiresAt - EXPIRY_SKEW_MS > this.o.now()) return s.accessToken;
    return (await this.refresh(s.refreshToken)).accessToken;
  }

  async renew(failed: string): Promise<string> {
    const stored = await readSession(this.o.storage);
    if (stored && stored.accessToken !== failed) {
      this.adopt(stored);
      return stored.accessToken;
    }
    if (!stored) throw signedOutError();
    return (await this.refresh(stored.refreshToken)).accessToken;
  }

  /** Single-flight: every caller while one refresh runs gets its result. */
  refresh(stale: string): Promise<Session> {
    this.flight ??= withStorageLock(
      {
        storage: this.o.storage,
        key: KEYS.refreshLock,
        owner: this.owner,
        timers: this.o.timers,
        now: this.o.now,
        leaseMs: LOCK_LEASE_MS,
      },
      () => this.refreshHoldingLock(stale),
    ).finally(() => {
      this.flight = null;
    });
    return this.flight;
  }

  private async refreshHoldingLock(stale: string): Promise<Session> {
    const stored = await readSession(this.o.storage);
    if (!stored) {
      this.adopt(null);
      throw signedOutError();
    }
    if (stored.refreshToken !== stale && stored.expiresAt - EXPIRY_SKEW_MS > this.o.now()) {
      // Someone else refreshed while we waited for the lock.
      this.adopt(stored);
      return stored;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.o.http.request<RefreshResponseBody>("POST", "/v1/auth/refresh", {
          auth: "none",
          body: { refreshToken: stored.refreshToken },
          timeoutMs: REFRESH_TIMEOUT_MS,
        });
        const next: Session = {
          accessToken: res.body.accessToken,
          refreshToken: res.body.refreshToken,
          expiresAt: this.o.now() + res.body.expiresIn * 1000,
          user: stored.user,
        };
        await this.o.storage.setMany([[KEYS.session, JSON.stringify(next)]]);
        this.adopt(next);
        return next;
      } catch (error) {
        if (error instanceof OutpostError && (FATAL.has(error.code) || error.status === 401)) {
          await this.forceSignOut(stored, error.code);
          throw error;
        }
        const delay = RETRY_DELAYS_MS[attempt];
        // A lost response: the same refresh token again, inside the server's grace period.
        if (!(error instanceof OutpostError) || !error.retryable || delay === undefined) throw error;
        await sleep(this.o.timers, delay);
      }
    }
  }

  /** The server ended the session: forget the tokens (never the queue) and say why. */
  private async forceSignOut(spent: Session, reason: string): Promise<void> {
    const current = await readSession(this.o.storage);
    if (current && current.refreshToken !== spent.refreshToken) return; // a newer sign-in: keep it
    await this.o.storage.setMany([[KEYS.session, null]]);
    this.o.events.emit("signedOut", { reason });
    this.adopt(null);
  }
}
