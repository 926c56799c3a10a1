import WebSocket from "ws";
import { fetchJson } from "./start-worker";

/**
 * A tiny simulated app for the sync end-to-end test: one local database (a `clientId`) of one
 * device for one space. Edits go to an outbox (the phone may be offline) and leave only when the
 * test says `push()`; `pull()` applies the server's changes to the local copy. Its wire types are
 * its own, as a real app's would be: the test checks the server against the contract, not against
 * the server's own type definitions.
 */

export interface Mutation {
  id: number;
  collection: string;
  key: string;
  op: "put" | "patch" | "delete";
  value?: Record<string, unknown>;
  baseVersion?: number;
}

export interface WireRecord {
  collection: string;
  key: string;
  version: number;
  deleted: boolean;
  value: Record<string, unknown> | null;
}

export interface MutationResult {
  id: number;
  status: "applied" | "conflict" | "rejected";
  record?: WireRecord;
  error?: { code: string; message: string };
}

export interface PushResponse {
  lastMutationId: number;
  version: number;
  results: MutationResult[];
}

export interface PullResponse {
  changes: WireRecord[];
  cursor: number;
  hasMore: boolean;
  lastMutationId: number;
}

/** One signed-in install: its own session (bearer) and its own install id. */
export interface Device {
  base: string;
  name: string;
  userId: string;
  accessToken: string;
  deviceId: string;
  platform: "ios" | "android";
  appVersion: string;
}

export function deviceHeaders(device: Device): Record<string, string> {
  return {
    Authorization: `Bearer ${device.accessToken}`,
    "X-Device-Id": device.deviceId,
    "X-Platform": device.platform,
    "X-App-Version": device.appVersion,
  };
}

const recordId = (collection: string, key: string) => `${collection}/${key}`;

export class AppReplica {
  /** The local copy: every record the server sent, tombstones included. */
  readonly records = new Map<string, WireRecord>();
  /** Mutations not yet acknowledged by the server, oldest first. */
  readonly outbox: Mutation[] = [];
  cursor = 0;
  readonly clientId = `app-${crypto.randomUUID()}`;
  /** The newest `Outpost-Bookmark` heard (responses, pokes), sent back on every request as apps do. */
  bookmark: string | null = null;
  #nextId = 1;

  constructor(
    readonly device: Device,
    readonly spaceId: string,
  ) {}

  /** A local edit, queued; `baseVersion` is the version of the local copy the user edited. */
  edit(op: Mutation["op"], collection: string, key: string, value?: Record<string, unknown>): Mutation {
    const base = this.records.get(recordId(collection, key));
    const mutation: Mutation = { id: this.#nextId++, collection, key, op };
    if (value !== undefined) mutation.value = value;
    if (base && !base.deleted) mutation.baseVersion = base.version;
    this.outbox.push(mutation);
    return mutation;
  }

  /** Drops a queued edit the user gave up on (after a conflict); ids already sent stay used. */
  discard(id: number): void {
    const i = this.outbox.findIndex((m) => m.id === id);
    if (i >= 0) this.outbox.splice(i, 1);
  }

  #headers(): Record<string, string> {
    return { ...deviceHeaders(this.device), ...(this.bookmark ? { "Outpost-Bookmark": this.bookmark } : {}) };
  }

  #heard(headers: Headers): void {
    this.bookmark = headers.get("Outpost-Bookmark") ?? this.bookmark;
  }

  async #send() {
    const res = await fetchJson<PushResponse>(this.device.base, `/v1/sync/${this.spaceId}/push`, {
      method: "POST",
      headers: this.#headers(),
      json: { clientId: this.clientId, mutations: this.outbox },
    });
    this.#heard(res.headers);
    return res;
  }

  /** Sends the whole outbox; on 200 the acknowledged mutations leave it. */
  async push(): Promise<{ status: number; body: PushResponse }> {
    const res = await this.#send();
    if (res.status === 200) {
      const acked = res.body.lastMutationId;
      const remaining = this.outbox.filter((m) => m.id > acked);
      this.outbox.splice(0, this.outbox.length, ...remaining);
    }
    return { status: res.status, body: res.body };
  }

  /** Sends the outbox and never learns the answer (the network dropped it): the outbox stays. */
  async pushAndLoseResponse(): Promise<void> {
    await this.#send();
  }

  /** Pulls every page after the local cursor into the local copy; returns what came. */
  async pull(limit = 500): Promise<{ changes: WireRecord[]; lastMutationId: number; pages: number }> {
    const changes: WireRecord[] = [];
    let lastMutationId: number;
    let pages = 0;
    for (;;) {
      const q = new URLSearchParams({
        clientId: this.clientId,
        cursor: String(this.cursor),
        limit: String(limit),
      });
      const res = await fetchJson<PullResponse>(this.device.base, `/v1/sync/${this.spaceId}/pull?${q}`, {
        headers: this.#headers(),
      });
      this.#heard(res.headers);
      if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${JSON.stringify(res.body)}`);
      pages++;
      for (const change of res.body.changes) {
        this.records.set(recordId(change.collection, change.key), change);
        changes.push(change);
      }
      if (res.body.cursor < this.cursor) throw new Error("the pull cursor went backwards");
      this.cursor = res.body.cursor;
      lastMutationId = res.body.lastMutationId;
      if (!res.body.hasMore) break;
      if (pages > 1000) throw new Error("pull never ends");
    }
    return { changes, lastMutationId, pages };
  }

  get(collection: string, key: string): WireRecord | undefined {
    return this.records.get(recordId(collection, key));
  }

  /** Every record held, tombstones included, ordered by collection and key. */
  all(): WireRecord[] {
    return [...this.records.values()].sort((a, b) =>
      recordId(a.collection, a.key).localeCompare(recordId(b.collection, b.key)),
    );
  }

  /** The live records as a comparable, ordered list (tombstones left out). */
  state(): WireRecord[] {
    return this.all().filter((r) => !r.deleted);
  }
}

/** A connected socket and the pokes it has received. */
export interface PokeSocket {
  ws: WebSocket;
  messages: unknown[];
  /** Resolves once a poke for at least `version` arrived (rejects after `timeoutMs`). */
  poke(version: number, timeoutMs?: number): Promise<{ type: string; version: number; bookmark?: string }>;
  close(): Promise<void>;
}

const isPoke = (m: unknown): m is { type: "poke"; version: number; bookmark?: string } =>
  typeof m === "object" && m !== null && (m as { type?: unknown }).type === "poke";

/** Opens `GET /v1/sync/{spaceId}/socket` over a real WebSocket; rejects if the upgrade is refused. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<PokeSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, "ws"), { headers });
    const messages: unknown[] = [];
    const waiters = new Set<() => void>();
    ws.on("message", (data) => {
      messages.push(JSON.parse(String(data)));
      for (const wake of waiters) wake();
    });
    ws.on("unexpected-response", (_req, res) =>
      reject(new Error(`upgrade refused with ${res.statusCode ?? "no status"}`)),
    );
    ws.on("error", reject);
    ws.on("open", () =>
      resolve({
        ws,
        messages,
        poke(version, timeoutMs = 5_000) {
          return new Promise((done, fail) => {
            const check = () => {
              const hit = messages.find((m) => isPoke(m) && m.version >= version);
              if (!isPoke(hit)) return;
              clearTimeout(timer);
              waiters.delete(check);
              done(hit);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no poke for version ${version}; got ${JSON.stringify(messages)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close() {
          return new Promise((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            ws.once("close", () => done());
            ws.close(1000, "bye");
          });
        },
      }),
    );
  });
}

/**
 * Tries an upgrade that must be refused: resolves with the HTTP status and body of the refusal,
 * and fails if a socket opens.
 */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, "ws"), { headers });
    ws.on("open", () => {
      ws.terminate();
      reject(new Error("the upgrade was accepted"));
    });
    ws.on("unexpected-response", (req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    ws.on("error", (error) => {
      // After an unexpected response ws reports an abort; the refusal itself was already resolved.
      if (!/aborted/i.test(String(error))) reject(error);
    });
  });
}
