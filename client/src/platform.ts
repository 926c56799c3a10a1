/**
 * The few host APIs the SDK uses, typed structurally so the core compiles without DOM or Node
 * types: whatever the host provides (browser, React Native, Node ≥ 20, or a test double) fits.
 */

export interface HeadersLike {
  get(name: string): string | null;
}

export interface ResponseLike {
  readonly status: number;
  readonly headers: HeadersLike;
  text(): Promise<string>;
}

export interface AbortSignalLike {
  readonly aborted: boolean;
}

export interface RequestInitLike {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignalLike;
}

export type FetchLike = (url: string, init?: RequestInitLike) => Promise<ResponseLike>;

export interface MessageEventLike {
  data: unknown;
}

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: MessageEventLike) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = new (url: string) => WebSocketLike;

export type TimerHandle = unknown;

/** Timers are injectable so tests (and hosts with their own scheduler) can drive them. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(): void;
}

interface Globals {
  fetch?: FetchLike;
  WebSocket?: WebSocketFactory;
  AbortController?: new () => AbortControllerLike;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  crypto?: { randomUUID?: () => string; getRandomValues?: (a: Uint8Array) => Uint8Array };
  Intl?: { DateTimeFormat(): { resolvedOptions(): { timeZone?: string } } };
}

const g = globalThis as unknown as Globals;

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => g.setTimeout(fn, ms),
  clearTimeout: (handle) => g.clearTimeout(handle),
};

export function globalFetch(): FetchLike {
  if (!g.fetch) throw new Error("No global fetch: pass `fetch` to new Outpost()");
  // Bound so hosts whose fetch needs its receiver (browsers) accept the call.
  return g.fetch.bind(globalThis);
}

export const globalWebSocket = (): WebSocketFactory | undefined => g.WebSocket;

/** An AbortController when the host has one (every target does; tests may not). */
export const newAbortController = (): AbortControllerLike | undefined =>
  g.AbortController ? new g.AbortController() : undefined;

/** A random UUID (v4): `crypto.randomUUID` where present, else `getRandomValues`, else Math.random. */
export function randomId(): string {
  if (g.crypto?.randomUUID) return g.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (g.crypto?.getRandomValues) g.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function localTimeZone(): string | undefined {
  try {
    return g.Intl?.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const sleep = (timers: Timers, ms: number): Promise<void> =>
  new Promise((resolve) => timers.setTimeout(resolve, ms));
