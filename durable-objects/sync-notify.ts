import { memberPushDevices } from "../worker/sync/queries/records";
import { sendSilentSyncPushes } from "../worker/sync/silent-push";
import { decideSilentPushes, SILENT_PUSH_MARGIN_MS, SILENT_PUSH_WINDOW_MS } from "../worker/sync/background";
import type { PokeMessage } from "../worker/sync/protocol";
import type { SyncStore } from "./sync-store";

/** What a socket carries across hibernation: who it is (verified by the Worker before upgrade). */
interface SocketAttachment {
  userId: string;
  deviceId: string | null;
  connectedAt: number;
}

/**
 * Telling devices that the space moved: a poke on every live socket (hibernation API), and for
 * members' devices without one a silent push, at most one per device per window, never to the
 * device that made the change. Also owns the object's single alarm (owed pushes, daily purge).
 */
export class SyncNotifier {
  readonly #ctx: DurableObjectState;
  readonly #env: Env;
  readonly #store: SyncStore;
  readonly #spaceId: () => string | null;

  constructor(ctx: DurableObjectState, env: Env, store: SyncStore, spaceId: () => string | null) {
    this.#ctx = ctx;
    this.#env = env;
    this.#store = store;
    this.#spaceId = spaceId;
  }

  accept(userId: string, deviceId: string | null, version: number): Response {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.#ctx.acceptWebSocket(
      server,
      deviceId ? [`user:${userId}`, `device:${deviceId}`] : [`user:${userId}`],
    );
    const attachment: SocketAttachment = { userId, deviceId, connectedAt: Date.now() };
    server.serializeAttachment(attachment);
    // A fresh socket learns the current version at once, so a reconnecting app pulls what it missed.
    server.send(JSON.stringify({ type: "poke", version } satisfies PokeMessage));
    return new Response(null, { status: 101, webSocket: client });
  }

  closed(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  /**
   * After a commit that moved the version: wake members' offline devices, off the response path.
   * `origins` made the change(s) and are never woken for them.
   */
  wake(version: number, origins: ReadonlySet<string>): void {
    this.#ctx.waitUntil(
      this.#wake(version, origins).catch((error: unknown) =>
        console.error(
          JSON.stringify({
            level: "warn",
            message: "background sync push failed",
            error: error instanceof Error ? error.message : String(error),
          }),
        ),
      ),
    );
  }

  poke(version: number): void {
    const message = JSON.stringify({ type: "poke", version } satisfies PokeMessage);
    for (const ws of this.#ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // A socket closing as we send: it will reconnect and be poked then.
      }
    }
  }

  /** A removed member's sockets close now (4003): they must not hear about the space again. */
  disconnectUser(userId: string): void {
    for (const ws of this.#ctx.getWebSockets(`user:${userId}`)) {
      try {
        ws.close(4003, "removed from the space");
      } catch {
        // Already closing.
      }
    }
  }

  #liveDevices(): Set<string> {
    const live = new Set<string>();
    for (const ws of this.#ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      if (attachment?.deviceId) live.add(attachment.deviceId);
    }
    return live;
  }

  /**
   * Read fresh on every wake-up (off the response path): a cached list missed devices that
   * registered their push token moments after a change.
   */
  async #memberDevices(spaceId: string): Promise<string[]> {
    return memberPushDevices(this.#env.DB, spaceId);
  }

  /** Sends, then owes a push to every device whose shared per-device slot was already used. */
  async #send(spaceId: string, deviceIds: string[], version: number): Promise<void> {
    const { throttled } = await sendSilentSyncPushes(this.#env, deviceIds, { spaceId, version });
    if (!throttled.length) return;
    for (const id of throttled) this.#store.markOwed(id, version);
    await this.schedule();
  }

  async #wake(version: number, origins: ReadonlySet<string>): Promise<void> {
    const spaceId = this.#spaceId();
    if (!spaceId) return;
    const candidates = await this.#memberDevices(spaceId);
    // Decide and record synchronously (no await in between), so concurrent commits never both send.
    const now = Date.now();
    const decision = decideSilentPushes({
      candidates,
      origins,
      live: this.#liveDevices(),
      lastPushAt: (id) => this.#store.getPushMark(id)?.lastPushAt,
      now,
    });
    for (const id of decision.sendNow) this.#store.markPushed(id, now);
    for (const id of decision.owe) this.#store.markOwed(id, version);
    if (decision.owe.length) await this.schedule();
    if (decision.sendNow.length) await this.#send(spaceId, decision.sendNow, version);
  }

  /** The alarm's half: devices owed a push whose window has ended get one now (unless online). */
  async sendOwed(version: number, now: number): Promise<void> {
    const spaceId = this.#spaceId();
    if (!spaceId) return;
    // Only devices still belonging to members (someone may have left since the push was owed).
    const members = new Set(await this.#memberDevices(spaceId));
    const live = this.#liveDevices();
    const send: string[] = [];
    for (const mark of this.#store.owedDue(now - SILENT_PUSH_WINDOW_MS - SILENT_PUSH_MARGIN_MS)) {
      if (live.has(mark.deviceId) || !members.has(mark.deviceId)) this.#store.clearOwed(mark.deviceId);
      else {
        this.#store.markPushed(mark.deviceId, now);
        send.push(mark.deviceId);
      }
    }
    if (send.length) await this.#send(spaceId, send, version);
  }

  /** One alarm per object: the earliest of the next purge and the next owed push. */
  async schedule(): Promise<void> {
    const owed = this.#store.earliestOwed();
    const times = [
      this.#store.getNumber("next_purge_at"),
      owed === undefined ? undefined : owed + SILENT_PUSH_WINDOW_MS + SILENT_PUSH_MARGIN_MS,
    ].filter((t): t is number => t !== undefined);
    if (!times.length) return;
    const next = Math.min(...times);
    const current = await this.#ctx.storage.getAlarm();
    if (current === null || current > next) await this.#ctx.storage.setAlarm(next);
  }
}
