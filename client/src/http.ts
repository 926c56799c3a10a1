import type { Emitter } from "./emitter.js";
import { errorFromResponse, networkError, OutpostError, parseRetryAfter, signedOutError } from "./errors.js";
import { KEYS } from "./keys.js";
import { newAbortController, type FetchLike, type ResponseLike, type Timers } from "./platform.js";
import type { OutpostStorage } from "./storage/types.js";

export interface UpgradeRequired {
  minVersion: string | null;
  storeUrl: string | null;
}

export interface HttpEvents {
  upgradeRequired: UpgradeRequired;
  /** A response arrived (the network works); `false` when a request failed without one. */
  reachable: boolean;
}

/** Where the access token comes from; implemented by the auth module. */
export interface TokenSource {
  /** A usable access token (refreshed first when about to expire), or null when signed out. */
  access(): Promise<string | null>;
  /** After a 401 with `failed`: a newer token (single-flight refresh), or throws. */
  renew(failed: string): Promise<string>;
}

export interface RequestOptions {
  body?: unknown;
  /** `required`: bearer or fail; `optional`: bearer when signed in; `none`: never. */
  auth?: "required" | "optional" | "none";
  headers?: Record<string, string>;
  /** Overrides the client's timeout for this request (body included). */
  timeoutMs?: number;
}

export interface HttpResult<T> {
  status: number;
  body: T;
  headers: ResponseLike["headers"];
}

export interface HttpOptions {
  baseUrl: string;
  fetch: FetchLike;
  storage: OutpostStorage;
  timers: Timers;
  timeoutMs: number;
  deviceHeaders: () => Record<string, string>;
  events: Emitter<HttpEvents>;
  now: () => number;
}

/**
 * Every request goes through here: device headers, the consistency bookmark, the bearer (with
 * one retry after a 401), timeouts, problem details → OutpostError, and the 426 event.
 */
export class Http {
  tokens: TokenSource | undefined;
  private bookmark: string | null = null;

  constructor(private readonly options: HttpOptions) {}

  async load(): Promise<void> {
    this.bookmark = await this.options.storage.get(KEYS.bookmark);
  }

  /** The bookmark of a response: the server's answer is the newest position, kept as it is. */
  async noteBookmark(value: string | null | undefined): Promise<void> {
    if (!value || value === this.bookmark) return;
    this.bookmark = value;
    await this.options.storage.setMany([[KEYS.bookmark, value]]).catch(() => undefined);
  }

  /**
   * The bookmark of a change a poke announced: kept only if newer than ours (D1 bookmarks compare
   * as strings), so a poke that arrives late never moves reads back before a newer own write.
   */
  async notePokedBookmark(value: string | null | undefined): Promise<void> {
    if (!value || (this.bookmark !== null && value <= this.bookmark)) return;
    await this.noteBookmark(value);
  }

  url(path: string): string {
    return `${this.options.baseUrl.replace(/\/$/, "")}${path}`;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
    const mode = options.auth ?? "required";
    let token: string | null = null;
    if (mode !== "none" && this.tokens) token = await this.tokens.access();
    if (mode === "required" && !token) throw signedOutError();
    let res = await this.send(method, path, options, token);
    if (res.status === 401 && token && this.tokens) {
      // Retried once: a second 401 with a fresh token is the server's final word.
      token = await this.tokens.renew(token);
      res = await this.send(method, path, options, token);
    }
    return this.finish<T>(res);
  }

  private finish<T>(res: Received): HttpResult<T> {
    const text = res.text;
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (res.status === 426) {
      const b = (body ?? {}) as Record<string, unknown>;
      this.options.events.emit("upgradeRequired", {
        minVersion: typeof b.minVersion === "string" ? b.minVersion : null,
        storeUrl: typeof b.storeUrl === "string" ? b.storeUrl : null,
      });
    }
    if (res.status >= 400) {
      const retryAfter = parseRetryAfter(res.headers.get("Retry-After"), this.options.now());
      throw errorFromResponse(res.status, body, res.headers.get("X-Request-Id"), retryAfter);
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    token: string | null,
  ): Promise<Received> {
    const headers: Record<string, string> = { ...this.options.deviceHeaders(), ...options.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.bookmark) headers["Outpost-Bookmark"] = this.bookmark;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const controller = newAbortController();
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timer = this.options.timers.setTimeout(() => controller?.abort(), timeoutMs);
    let res: Received;
    try {
      // The body is read under the same timeout: a response that stalls mid-body is lost too.
      const r = await this.options.fetch(this.url(path), {
        method,
        headers,
        body,
        signal: controller?.signal,
      });
      res = { status: r.status, headers: r.headers, text: await r.text() };
    } catch (error) {
      this.options.events.emit("reachable", false);
      throw networkError(error instanceof Error ? error.message : String(error));
    } finally {
      this.options.timers.clearTimeout(timer);
    }
    this.options.events.emit("reachable", true);
    await this.noteBookmark(res.headers.get("Outpost-Bookmark"));
    return res;
  }
}

interface Received {
  status: number;
  headers: ResponseLike["headers"];
  text: string;
}

export { OutpostError };
