import type { RemoteConfig } from "./api-types.js";
import { Emitter } from "./emitter.js";
import type { Http } from "./http.js";
import { KEYS } from "./keys.js";
import type { OutpostStorage } from "./storage/types.js";

export type { RemoteConfig };

interface Cached {
  etag: string | null;
  config: RemoteConfig;
}

/** Revalidate at most this often from get(): the server promises no stale copies past 60 s. */
const REVALIDATE_MS = 60_000;

/** `outpost.config`: remote config and flags, at once from storage, revalidated with ETags. */
export class Config {
  private cached: Cached | null = null;
  private lastCheck = -Infinity;
  private inFlight: Promise<RemoteConfig> | undefined;
  private readonly events = new Emitter<{ change: RemoteConfig }>();

  constructor(
    private readonly http: Http,
    private readonly storage: OutpostStorage,
    private readonly now: () => number,
  ) {}

  async load(): Promise<void> {
    const raw = await this.storage.get(KEYS.config);
    this.cached = raw ? (JSON.parse(raw) as Cached) : null;
  }

  /** The last known config (null before the first ever fetch); revalidates in the background. */
  get(): RemoteConfig | null {
    if (this.now() - this.lastCheck >= REVALIDATE_MS) this.refresh().catch(() => undefined);
    return this.cached?.config ?? null;
  }

  /** A flag's value, or `fallback` when unknown or of another type. */
  flag<T extends boolean | string | number>(name: string, fallback: T): T {
    const value = this.get()?.flags[name];
    return typeof value === typeof fallback ? (value as T) : fallback;
  }

  onChange(listener: (config: RemoteConfig) => void): () => void {
    return this.events.on("change", listener);
  }

  /** Fetches now (If-None-Match: a 304 keeps the cached copy); one request at a time. */
  refresh(): Promise<RemoteConfig> {
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetch(): Promise<RemoteConfig> {
    this.lastCheck = this.now();
    const headers: Record<string, string> = {};
    if (this.cached?.etag) headers["If-None-Match"] = this.cached.etag;
    const res = await this.http.request<RemoteConfig>("GET", "/v1/config", { auth: "optional", headers });
    if (res.status === 304 && this.cached) return this.cached.config;
    this.cached = { etag: res.headers.get("ETag"), config: res.body };
    await this.storage.setMany([[KEYS.config, JSON.stringify(this.cached)]]);
    this.events.emit("change", res.body);
    return res.body;
  }
}
