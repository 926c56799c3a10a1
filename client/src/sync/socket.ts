import { backoffDelay, type BackoffOptions } from "../backoff.js";
import type { TimerHandle, Timers, WebSocketFactory, WebSocketLike } from "../platform.js";

export interface PokeSocketOptions {
  WebSocket: WebSocketFactory;
  /** The socket URL with a fresh token, or null when signed out (then it waits and tries again). */
  url(): Promise<string | null>;
  timers: Timers;
  backoff: BackoffOptions;
  random: () => number;
  onPoke(message: { version: number; bookmark?: string }): void;
  onOpen(): void;
}

/** Ping this often; a socket silent for two intervals is dead (NATs drop idle flows silently). */
const PING_MS = 25_000;
/** A handshake that has not finished by then is abandoned (a black-holed network never fails). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A space's poke socket that reconnects with backoff and jitter until stopped. Each (re)connect
 * fetches a fresh token (the server closes sockets of ended sessions), and the server's poke on
 * connect makes the space pull whatever it missed while disconnected.
 */
export class PokeSocket {
  private ws: WebSocketLike | undefined;
  private running = false;
  private attempt = 0;
  private timer: TimerHandle | undefined;
  private pingTimer: TimerHandle | undefined;
  private lastMessage = 0;

  constructor(private readonly o: PokeSocketOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onopen = null;
      // Not null: closing a socket still connecting reports an error event, and a Node
      // WebSocket (`ws`) with no error listener throws it as an uncaught exception.
      ws.onerror = () => {};
      try {
        ws.close(1000, "bye");
      } catch {
        // already closed
      }
    }
  }

  private clearTimers(): void {
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    if (this.pingTimer !== undefined) this.o.timers.clearTimeout(this.pingTimer);
    this.timer = this.pingTimer = undefined;
  }

  private reconnectLater(): void {
    if (!this.running || this.timer !== undefined) return;
    const delay = backoffDelay(this.attempt++, this.o.backoff, undefined, this.o.random);
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }

  private async connect(): Promise<void> {
    let url: string | null;
    try {
      url = await this.o.url();
    } catch {
      url = null;
    }
    if (!this.running) return;
    if (!url) return this.reconnectLater();
    let ws: WebSocketLike;
    try {
      ws = new this.o.WebSocket(url);
    } catch {
      return this.reconnectLater();
    }
    this.ws = ws;
    this.pingTimer = this.o.timers.setTimeout(() => this.abandon(ws), CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      if (this.pingTimer !== undefined) this.o.timers.clearTimeout(this.pingTimer);
      this.attempt = 0;
      this.lastMessage = Date.now();
      this.schedulePing(ws);
      this.o.onOpen();
    };
    ws.onmessage = (event) => {
      this.lastMessage = Date.now();
      let message: { type?: unknown; version?: unknown; bookmark?: unknown };
      try {
        message = JSON.parse(String(event.data)) as typeof message;
      } catch {
        return;
      }
      if (message.type === "poke" && typeof message.version === "number")
        this.o.onPoke({
          version: message.version,
          ...(typeof message.bookmark === "string" ? { bookmark: message.bookmark } : {}),
        });
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.pingTimer !== undefined) this.o.timers.clearTimeout(this.pingTimer);
      this.reconnectLater();
    };
    ws.onerror = () => {
      // onclose follows; closing here covers hosts that report an error without a close.
      try {
        ws.close();
      } catch {
        // ignore
      }
    };
  }

  /** Gives up on a socket that cannot be trusted and reconnects with backoff. */
  private abandon(ws: WebSocketLike): void {
    if (this.ws !== ws) return;
    try {
      ws.close(4000, "unresponsive");
    } catch {
      // closing a socket that never opened may throw on some hosts
    }
    ws.onclose?.({});
  }

  private schedulePing(ws: WebSocketLike): void {
    this.pingTimer = this.o.timers.setTimeout(() => {
      if (this.ws !== ws) return;
      if (Date.now() - this.lastMessage > 2 * PING_MS) return this.abandon(ws);
      try {
        ws.send('{"type":"ping"}');
      } catch {
        // the close handler reconnects
      }
      this.schedulePing(ws);
    }, PING_MS);
  }
}
