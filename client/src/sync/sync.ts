import type { BackoffOptions } from "../backoff.js";
import type { TokenKeeper } from "../auth/tokens.js";
import type { Http } from "../http.js";
import { userPrefix } from "../keys.js";
import type { Timers, WebSocketFactory } from "../platform.js";
import type { OutpostStorage } from "../storage/types.js";
import { SpaceEngine } from "./engine.js";
import { Runner } from "./runner.js";
import { PokeSocket } from "./socket.js";
import { Space } from "./space.js";
import { SpaceStore } from "./store.js";

export interface SyncDeps {
  http: Http;
  storage: Required<OutpostStorage>;
  tokens: TokenKeeper;
  WebSocket: WebSocketFactory | undefined;
  timers: Timers;
  backoff: BackoffOptions;
  random: () => number;
  pullLimit: number;
  deviceId: () => string;
}

interface Opened {
  space: Space;
  socket?: PokeSocket;
}

/** `outpost.sync`: the signed-in user's spaces, their sockets and retry loops. */
export class Sync {
  private userId: string | null = null;
  private loading: Promise<void> = Promise.resolve();
  private readonly spaces = new Map<string, Opened>();
  private started = false;
  private onlineNow = true;

  constructor(private readonly d: SyncDeps) {}

  /** Loads every stored space of `userId` (after it, reads are synchronous); null closes them. */
  loadUser(userId: string | null): Promise<void> {
    if (userId === this.userId) return this.loading;
    // Set at once, so a second call for the same user (sign-in and its change event) joins this one.
    this.userId = userId;
    this.loading = this.switchTo(userId);
    return this.loading;
  }

  private async switchTo(userId: string | null): Promise<void> {
    await this.closeSpaces();
    if (!userId) return;
    const prefix = userPrefix(userId);
    const bySpace = new Map<string, Array<[string, string]>>();
    for (const entry of await this.d.storage.getMany(prefix)) {
      const spaceId = entry[0].slice(prefix.length, entry[0].indexOf(":", prefix.length));
      const list = bySpace.get(spaceId);
      if (list) list.push(entry);
      else bySpace.set(spaceId, [entry]);
    }
    if (this.userId !== userId) return;
    for (const [spaceId, entries] of bySpace)
      if (!this.spaces.has(spaceId))
        this.open(SpaceStore.fromEntries(this.d.storage, userId, spaceId, entries));
  }

  /** A space of the signed-in user: `"me"` (personal) or a shared space id. */
  space(id: string): Space {
    if (!this.userId) throw new Error("outpost.sync.space(): sign in first");
    return (this.spaces.get(id) ?? this.open(SpaceStore.fromEntries(this.d.storage, this.userId, id, [])))
      .space;
  }

  /** Ids of the spaces open for the signed-in user (every stored one after `ready`). */
  get spaceIds(): string[] {
    return [...this.spaces.keys()];
  }

  private open(store: SpaceStore): Opened {
    let pushTimer: unknown;
    const space: Space = new Space(
      store,
      new Runner(
        {
          push: () => engine.push(),
          pull: () => engine.pull(),
          hasPending: () => store.pending.length > 0,
        },
        {
          timers: this.d.timers,
          backoff: this.d.backoff,
          random: this.d.random,
          onState: (state) => space.setState(state),
        },
      ),
      () => this.onlineNow,
      () => {
        // Edits made in one tick leave in one push.
        if (!this.started || pushTimer !== undefined) return;
        pushTimer = this.d.timers.setTimeout(() => {
          pushTimer = undefined;
          space.runner.kick(true, false).catch(() => undefined);
        }, 0);
      },
    );
    const engine = new SpaceEngine(store, this.d.http, space.events, this.d.pullLimit);
    const opened: Opened = { space };
    this.spaces.set(store.spaceId, opened);
    if (this.started) this.startSpace(opened);
    return opened;
  }

  private startSpace(opened: Opened): void {
    const { space } = opened;
    space.runner.auto = true;
    if (this.d.WebSocket && !opened.socket) {
      opened.socket = new PokeSocket({
        WebSocket: this.d.WebSocket,
        timers: this.d.timers,
        backoff: { baseMs: 1_000, maxMs: 30_000 },
        random: this.d.random,
        url: async () => {
          const token = await this.d.tokens.access().catch(() => null);
          if (!token) return null;
          const path = `/v1/sync/${encodeURIComponent(space.id)}/socket`;
          const q = `token=${encodeURIComponent(token)}&deviceId=${encodeURIComponent(this.d.deviceId())}`;
          return `${this.d.http.url(path).replace(/^http/, "ws")}?${q}`;
        },
        onPoke: ({ version, bookmark }) => {
          void this.d.http.notePokedBookmark(bookmark);
          if (version > space.store.meta.cursor) space.runner.kick(false, true).catch(() => undefined);
        },
        onOpen: () => space.runner.retryNow(),
      });
    }
    opened.socket?.start();
    space.runner.kick(true, true).catch(() => undefined);
  }

  /** Sockets (pokes) and retry loops for every open space, now and opened later. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const opened of this.spaces.values()) this.startSpace(opened);
  }

  /** Pauses: closes sockets, cancels retries; edits keep queueing. */
  stop(): void {
    this.started = false;
    for (const { space, socket } of this.spaces.values()) {
      space.runner.stop();
      socket?.stop();
    }
  }

  /** For the silent-push handler: push pending and pull every space; resolves when all tried. */
  async wake(): Promise<void> {
    await Promise.all(
      [...this.spaces.values()].map(({ space }) => space.runner.kick(true, true).catch(() => undefined)),
    );
  }

  /** @internal The network answered (or failed): a regained network retries at once. */
  setOnline(online: boolean): void {
    if (online === this.onlineNow) return;
    this.onlineNow = online;
    for (const { space } of this.spaces.values()) {
      space.emitStatus();
      if (online && this.started) {
        space.runner.retryNow();
        space.runner.kick(space.store.pending.length > 0, true).catch(() => undefined);
      }
    }
  }

  private async closeSpaces(): Promise<void> {
    const open = [...this.spaces.values()];
    const wasStarted = this.started;
    this.stop();
    this.started = wasStarted;
    this.spaces.clear();
    await Promise.all(open.map(({ space }) => space.runner.idle()));
  }

  /** @internal */
  async close(): Promise<void> {
    this.stop();
    await Promise.all([...this.spaces.values()].map(({ space }) => space.runner.idle()));
  }
}
