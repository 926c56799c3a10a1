import { Auth } from "./auth/auth.js";
import { TokenKeeper, type AuthEvents } from "./auth/tokens.js";
import { DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { Config } from "./config.js";
import { Emitter } from "./emitter.js";
import { Http, type HttpEvents, type UpgradeRequired } from "./http.js";
import { KEYS } from "./keys.js";
import {
  defaultTimers,
  globalFetch,
  globalWebSocket,
  localTimeZone,
  randomId,
  type FetchLike,
  type Timers,
  type WebSocketFactory,
} from "./platform.js";
import { Push } from "./push.js";
import { withKeyIndex } from "./storage/key-index.js";
import { serialWrites } from "./storage/serial.js";
import type { OutpostStorage } from "./storage/types.js";
import { Sync } from "./sync/sync.js";

export interface ClientHints {
  saveData?: boolean;
  ect?: string;
  dpr?: number;
  viewportWidth?: number;
}

export interface OutpostOptions {
  baseUrl: string;
  storage: OutpostStorage;
  platform: string;
  appVersion: string;
  locale: string;
  /** Default: generated once and kept in storage. */
  deviceId?: string;
  fetch?: FetchLike;
  /** Default: the global WebSocket; `null` or none: no pokes (pulls still run on every other trigger). */
  WebSocket?: WebSocketFactory | null;
  hints?: () => ClientHints;
  timers?: Timers;
  /** The device clock (tests move it to expire tokens). */
  now?: () => number;
  random?: () => number;
  /** Per request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Push/pull retry backoff. Default 0.5 s doubling to 60 s, with jitter. */
  backoff?: BackoffOptions;
  /** Records per pull page (server maximum 1000). Default 500. */
  pullLimit?: number;
}

export interface OutpostEvents {
  upgradeRequired: UpgradeRequired;
  signedOut: { reason: string };
}

/** The SDK's entry point: `await new Outpost({...}).ready`, then auth, sync, push, config. */
export class Outpost {
  readonly ready: Promise<void>;
  readonly auth: Auth;
  readonly sync: Sync;
  readonly push: Push;
  readonly config: Config;
  private readonly events = new Emitter<OutpostEvents>();
  private deviceId: string;
  private readonly http: Http;

  constructor(options: OutpostOptions) {
    const storage = serialWrites(withKeyIndex(options.storage));
    const timers = options.timers ?? defaultTimers;
    const now = options.now ?? (() => Date.now());
    const random = options.random ?? Math.random;
    this.deviceId = options.deviceId ?? "";
    const httpEvents = new Emitter<HttpEvents>();
    const http = (this.http = new Http({
      baseUrl: options.baseUrl,
      fetch: options.fetch ?? globalFetch(),
      storage,
      timers,
      timeoutMs: options.timeoutMs ?? 30_000,
      deviceHeaders: () => this.headers(options),
      events: httpEvents,
      now,
    }));
    const authEvents = new Emitter<AuthEvents>();
    const tokens = new TokenKeeper({ http, storage, timers, now, events: authEvents });
    http.tokens = tokens;
    this.auth = new Auth(http, tokens, storage, authEvents, () => this.deviceId, now);
    this.sync = new Sync({
      http,
      storage,
      tokens,
      WebSocket: options.WebSocket === null ? undefined : (options.WebSocket ?? globalWebSocket()),
      timers,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      random,
      pullLimit: options.pullLimit ?? 500,
      deviceId: () => this.deviceId,
    });
    this.push = new Push({
      http,
      storage,
      deviceId: () => this.deviceId,
      platform: options.platform,
      appVersion: options.appVersion,
      locale: options.locale,
      timezone: localTimeZone(),
      userId: () => this.auth.user?.id ?? null,
    });
    this.config = new Config(http, storage, now);

    httpEvents.on("upgradeRequired", (e) => this.events.emit("upgradeRequired", e));
    httpEvents.on("reachable", (online) => this.sync.setOnline(online));
    authEvents.on("signedOut", (e) => this.events.emit("signedOut", e));
    // A user change from anywhere (sign-in, a forced sign-out, another instance) switches spaces.
    authEvents.on("change", (user) => void this.sync.loadUser(user?.id ?? null));
    this.auth.beforeSignOut = () => this.sync.loadUser(null);
    this.auth.afterSignIn = async (user) => {
      await this.sync.loadUser(user.id);
      this.push.reconcile().catch(() => undefined);
    };

    this.ready = this.load(storage, http, tokens);
  }

  private async load(storage: Required<OutpostStorage>, http: Http, tokens: TokenKeeper): Promise<void> {
    if (!this.deviceId) {
      this.deviceId = (await storage.get(KEYS.device)) ?? randomId();
      await storage.setMany([[KEYS.device, this.deviceId]]);
    }
    await Promise.all([http.load(), tokens.load(), this.config.load()]);
    await this.sync.loadUser(tokens.session?.user.id ?? null);
    this.push.reconcile().catch(() => undefined);
  }

  /** `upgradeRequired` on any 426; `signedOut` when the session ended (with the reason). */
  on<K extends keyof OutpostEvents>(event: K, listener: (payload: OutpostEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Any other API call (spaces, members, sessions, screens…) with everything the SDK adds:
   * device headers, bookmark, bearer with refresh and one retry after a 401, OutpostError on
   * failure. Resolves with the parsed JSON body (undefined for 204).
   */
  async request<T = unknown>(
    method: string,
    path: string,
    options: {
      body?: unknown;
      auth?: "required" | "optional" | "none";
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    return (await this.http.request<T>(method, path, options)).body;
  }

  /** This install's id (sent as X-Device-Id). */
  get device(): string {
    return this.deviceId;
  }

  /** Stops sockets and timers; everything stays in storage for the next launch. */
  async close(): Promise<void> {
    await this.sync.close();
  }

  private headers(options: OutpostOptions): Record<string, string> {
    const h: Record<string, string> = {
      "X-Device-Id": this.deviceId,
      "X-Platform": options.platform,
      "X-App-Version": options.appVersion,
      "Accept-Language": options.locale,
    };
    const hints = options.hints?.();
    if (hints?.saveData) h["Save-Data"] = "on";
    if (hints?.ect) h.ECT = hints.ect;
    if (hints?.dpr !== undefined) h.DPR = String(hints.dpr);
    if (hints?.viewportWidth !== undefined) h["Viewport-Width"] = String(hints.viewportWidth);
    return h;
  }
}
