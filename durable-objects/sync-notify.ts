import { memberPushDevices } from "../worker/sync/queries/records";
import { liveSessionIds } from "../worker/sync/queries/sessions";
import { sendSilentSyncPushes } from "../worker/sync/silent-push";
import { decideSilentPushes, SILENT_PUSH_MARGIN_MS, SILENT_PUSH_WINDOW_MS } from "../worker/sync/background";
import type { PokeMessage } from "../worker/sync/protocol";
import { SESSION_ENDED_CLOSE, SOCKET_SESSION_CHECK_MS, type SocketOwner } from "../worker/sync/space-rpc";
import type { SyncStore } from "./sync-store";

/** What a socket carries across hibernation: who it is (verified by the Worker before upgrade). */
interface SocketAttachment extends SocketOwner {
  connectedAt: number;
}

const attachmentOf = (ws: WebSocket) => ws.deserializeAttachment() as SocketAttachment | null;

/** A change devices are told about: the space's version and the D1 bookmark to read it with. */
interface Change {
  version: number;
  bookmark: string | null;
}

/** `{"type":"poke","version":N,"bookmark":"…"}` (no bookmark before the object's first commit). */
function pokeMessage(version: number, bookmark: string | null): string {
  return JSON.stringify({ type: "poke", version, ...(bookmark ? { bookmark } : {}) } satisfies PokeMessage);
}

/**
 * Telling devices that the space moved: a poke on every live socket (hibernation API), and for
 * members' devices without one a silent push, at most one per device per window, never to the
 * device that made the change. Sockets end with their session. Also owns the object's single
 * alarm (owed pushes, the daily purge, and the session check while sockets are open).
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

  accept(owner: SocketOwner, version: number, bookmark: string | null): Response {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const { userId, deviceId } = owner;
    this.#ctx.acceptWebSocket(
      server,
      deviceId ? [`user:${userId}`, `device:${deviceId}`] : [`user:${userId}`],
    );
    const attachment: SocketAttachment = { ...owner, connectedAt: Date.now() };
    server.serializeAttachment(attachment);
    // A fresh socket learns the current version at once, so a reconnecting app pulls what it missed.
    server.send(pokeMessage(version, bookmark));
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
   * `origins` made the change(s) and are never woken for them; `candidates` are the members'
   * devices that can get a push, as the commit read them.
   */
  wake(
    version: number,
    bookmark: string | null,
    origins: ReadonlySet<string>,
    candidates: readonly string[],
  ): void {
    this.#ctx.waitUntil(
      this.#wake({ version, bookmark }, origins, candidates).catch((error: unknown) =>
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

  /** Every live socket hears the new version and the bookmark to read it with. */
  poke(version: number, bookmark: string | null): void {
    const message = pokeMessage(version, bookmark);
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

  /**
   * Closes (4001) every socket whose access token has expired or whose session has ended
   * (logout, revocation, reuse, expiry): one D1 read for all their sessions. The alarm runs it
   * every SOCKET_SESSION_CHECK_MS while sockets are open.
   */
  async closeEndedSessions(now: number): Promise<void> {
    const open = this.#ctx.getWebSockets().flatMap((ws) => {
      const attachment = attachmentOf(ws);
      return attachment ? [{ ws, attachment }] : [];
    });
    if (!open.length) return;
    const live = await liveSessionIds(
      this.#env.DB,
      open.map((s) => s.attachment.sessionId),
      now,
    );
    for (const { ws, attachment } of open) {
      const reason =
        attachment.expiresAt <= now
          ? "access token expired"
          : live.has(attachment.sessionId)
            ? null
            : "session ended";
      if (!reason) continue;
      try {
        ws.close(SESSION_ENDED_CLOSE, reason);
      } catch {
        // Already closing.
      }
    }
  }

  #liveDevices(): Set<string> {
    const live = new Set<string>();
    for (const ws of this.#ctx.getWebSockets()) {
      const deviceId = attachmentOf(ws)?.deviceId;
      if (deviceId) live.add(deviceId);
    }
    return live;
  }

  /** Sends, then owes a push to every device whose shared per-device slot was already used. */
  async #send(spaceId: string, deviceIds: string[], change: Change): Promise<void> {
    const { throttled } = await sendSilentSyncPushes(this.#env, deviceIds, {
      spaceId,
      version: change.version,
      ...(change.bookmark ? { bookmark: change.bookmark } : {}),
    });
    if (!throttled.length) return;
    for (const id of throttled) this.#store.markOwed(id, change.version);
    await this.schedule();
  }

  async #wake(change: Change, origins: ReadonlySet<string>, candidates: readonly string[]): Promise<void> {
    const { version } = change;
    const spaceId = this.#spaceId();
    if (!spaceId) return;
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
    if (decision.sendNow.length) await this.#send(spaceId, decision.sendNow, change);
  }

  /** The alarm's half: devices owed a push whose window has ended get one now (unless online). */
  async sendOwed(version: number, bookmark: string | null, now: number): Promise<void> {
    const spaceId = this.#spaceId();
    if (!spaceId) return;
    // Only devices still belonging to members (someone may have left since the push was owed).
    const { results } = await memberPushDevices(this.#env.DB, spaceId).all<{ deviceId: string }>();
    const members = new Set(results.map((r) => r.deviceId));
    const live = this.#liveDevices();
    const send: string[] = [];
    for (const mark of this.#store.owedDue(now - SILENT_PUSH_WINDOW_MS - SILENT_PUSH_MARGIN_MS)) {
      if (live.has(mark.deviceId) || !members.has(mark.deviceId)) this.#store.clearOwed(mark.deviceId);
      else {
        this.#store.markPushed(mark.deviceId, now);
        send.push(mark.deviceId);
      }
    }
    if (send.length) await this.#send(spaceId, send, { version, bookmark });
  }

  /**
   * One alarm per object: the earliest of the next purge, the next owed push and, only while
   * sockets are open, the next session check.
   */
  async schedule(now = Date.now()): Promise<void> {
    const owed = this.#store.earliestOwed();
    const times = [
      this.#store.getNumber("next_purge_at"),
      owed === undefined ? undefined : owed + SILENT_PUSH_WINDOW_MS + SILENT_PUSH_MARGIN_MS,
      this.#ctx.getWebSockets().length ? now + SOCKET_SESSION_CHECK_MS : undefined,
    ].filter((t): t is number => t !== undefined);
    if (!times.length) return;
    const next = Math.min(...times);
    const current = await this.#ctx.storage.getAlarm();
    if (current === null || current > next) await this.#ctx.storage.setAlarm(next);
  }
}
