import type { FetchLike, RequestInitLike, ResponseLike } from "../../client/src/index";

/** What happens to one request. */
export type Fault =
  /** Never leaves the phone: fails at once like an offline fetch. */
  | "offline"
  /** Reaches the server (which commits), then the answer is lost: fails like a reset. */
  | "lose-response"
  /** Reaches the server, then nothing ever comes back (the app is killed while waiting). */
  | "hang-after-send"
  /** Never leaves, never answers (the app is killed before the request). */
  | "hang"
  | { delayMs: number };

export interface SeenRequest {
  method: string;
  path: string;
  body?: unknown;
  headers: Record<string, string>;
  status?: number;
  /** The response's headers as the server sent them (before `inject`). */
  responseHeaders?: Record<string, string>;
}

/**
 * A fetch for the SDK under test that can take the device offline, lose responses, hang or delay
 * — per request, by rule — and records every request it saw (with the status that came back).
 */
export class FaultyFetch {
  offline = false;
  /** Headers added to every response (e.g. an `Outpost-Bookmark` before the server sends one). */
  inject: Record<string, string> = {};
  readonly seen: SeenRequest[] = [];
  private rules: Array<{ match: (r: SeenRequest) => boolean; fault: Fault; times: number }> = [];

  /** The next `times` requests matching `match` get `fault`. */
  fail(match: (r: SeenRequest) => boolean, fault: Fault, times = 1): void {
    this.rules.push({ match, fault, times });
  }

  count(method: string, pathPrefix: string): number {
    return this.seen.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
  }

  readonly fetch: FetchLike = async (url: string, init: RequestInitLike = {}) => {
    const u = new URL(url);
    const req: SeenRequest = {
      method: init.method ?? "GET",
      path: u.pathname + u.search,
      headers: { ...init.headers },
      body: init.body ? (JSON.parse(init.body) as unknown) : undefined,
    };
    this.seen.push(req);
    if (this.offline) throw new TypeError("fetch failed (offline)");
    const rule = this.rules.find((r) => r.times > 0 && r.match(req));
    if (rule) rule.times--;
    const fault = rule?.fault;
    if (fault === "offline") throw new TypeError("fetch failed (offline)");
    if (fault === "hang") return new Promise<ResponseLike>(() => undefined);
    if (typeof fault === "object") await new Promise((r) => setTimeout(r, fault.delayMs));
    const res = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: fault ? undefined : (init.signal as AbortSignal | undefined),
    });
    const text = await res.text();
    req.status = res.status;
    req.responseHeaders = Object.fromEntries(res.headers);
    if (fault === "lose-response") throw new TypeError("fetch failed (connection reset)");
    if (fault === "hang-after-send") return new Promise<ResponseLike>(() => undefined);
    const headers = new Headers(res.headers);
    for (const [name, value] of Object.entries(this.inject)) headers.set(name, value);
    return { status: res.status, headers, text: async () => text };
  };
}

export const isPush = (r: SeenRequest) => r.method === "POST" && /\/v1\/sync\/[^/]+\/push$/.test(r.path);
export const isPull = (r: SeenRequest) => r.method === "GET" && /\/v1\/sync\/[^/]+\/pull/.test(r.path);
export const isRefresh = (r: SeenRequest) => r.path === "/v1/auth/refresh";
