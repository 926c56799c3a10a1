import type { Emitter } from "../emitter.js";
import { OutpostError } from "../errors.js";
import type { Http } from "../http.js";
import type { SpaceStore } from "./store.js";
import type { SyncMutation, SyncPushRequest } from "../api-types.js";
import type { PendingMutation, PullResponse, PushResponse, SpaceEvents } from "./types.js";

type WireMutation = SyncMutation;

/** The server's limits: 500 mutations and 1 MiB per push; stay under with room for the envelope. */
const MAX_BATCH = 500;
const MAX_BATCH_BYTES = 900_000;
/** How many gap recoveries one drain attempts before giving up until the next trigger. */
const MAX_GAP_RECOVERIES = 3;

const wire = (m: PendingMutation): WireMutation => {
  const out: WireMutation = { id: m.id, collection: m.collection, key: m.key, op: m.op };
  if (m.value !== undefined) out.value = m.value;
  if (m.baseVersion !== undefined && !m.chained) out.baseVersion = m.baseVersion;
  return out;
};

function takeBatch(ready: PendingMutation[], max: number): WireMutation[] {
  const batch: WireMutation[] = [];
  let bytes = 0;
  for (const m of ready) {
    const w = wire(m);
    bytes += JSON.stringify(w).length;
    if (batch.length >= max || (batch.length > 0 && bytes > MAX_BATCH_BYTES)) break;
    batch.push(w);
  }
  return batch;
}

/** The push and pull protocol of one space (API.md "Sync"), over its store. */
export class SpaceEngine {
  constructor(
    private readonly store: SpaceStore,
    private readonly http: Http,
    private readonly events: Emitter<SpaceEvents>,
    private readonly pullLimit: number,
  ) {}

  private get base() {
    return `/v1/sync/${encodeURIComponent(this.store.spaceId)}`;
  }

  private changed(collections: string[]): void {
    if (collections.length) this.events.emit("change", { collections });
  }

  /** Pushes every durable pending mutation, in id order, in batches. */
  async push(): Promise<void> {
    let single = false;
    let gaps = 0;
    for (;;) {
      const ready = this.store.sendable();
      if (!ready.length) return;
      const batch = takeBatch(ready, single ? 1 : MAX_BATCH);
      const sent = ready.slice(0, batch.length);
      let res: { body: PushResponse; headers: { get(n: string): string | null } };
      try {
        res = await this.http.request<PushResponse>("POST", `${this.base}/push`, {
          body: {
            clientId: this.store.meta.clientId,
            mutations: batch,
          } satisfies SyncPushRequest,
        });
      } catch (error) {
        if (!(error instanceof OutpostError)) throw error;
        if (error.code === "mutation_gap" && gaps++ < MAX_GAP_RECOVERIES) {
          await this.recoverGap(error);
          continue;
        }
        if (error.status === 400 || error.status === 413) {
          // The request as a whole was refused: find the mutation at fault, one at a time.
          if (sent.length > 1) {
            single = true;
            continue;
          }
          await this.reject((m) => m === sent[0], error);
          continue;
        }
        if (error.status === 403 || error.status === 404) {
          // A viewer, or no longer a member: none of these edits can ever land.
          await this.reject(() => true, error);
          return;
        }
        throw error;
      }
      single = false;
      this.changed(await this.store.acknowledge(res.body));
      const requestId = res.headers.get("X-Request-Id");
      for (const r of res.body.results) {
        const mutation = sent.find((m) => m.id === r.id);
        if (!mutation) continue;
        if (r.status === "conflict" && r.record) this.events.emit("conflict", { mutation, record: r.record });
        if (r.status === "rejected") {
          const code = r.error?.code ?? "rejected";
          const error = new OutpostError(422, code, r.error?.message ?? code, requestId, false, undefined, {
            ...r.error,
          });
          this.events.emit("rejected", { mutation, error });
        }
      }
    }
  }

  private async reject(which: (m: PendingMutation) => boolean, error: OutpostError): Promise<void> {
    const { dropped, changed } = await this.store.dropUnsent(which);
    this.changed(changed);
    for (const mutation of dropped) this.events.emit("rejected", { mutation, error });
  }

  /** `409 mutation_gap`: learn the server's last id, then resend from the one after it. */
  private async recoverGap(error: OutpostError): Promise<void> {
    const expected = /Expected mutation (\d+)/.exec(error.detail)?.[1];
    let serverLast: number;
    if (expected !== undefined) serverLast = Number(expected) - 1;
    else {
      const q = `clientId=${encodeURIComponent(this.store.meta.clientId)}&cursor=${this.store.meta.cursor}&limit=1`;
      serverLast = (await this.http.request<PullResponse>("GET", `${this.base}/pull?${q}`)).body
        .lastMutationId;
    }
    this.changed((await this.store.dropUnsent(() => false, serverLast)).changed);
  }

  /** Pulls every page after the cursor; a `410` pulls from 0 and replaces the local copy. */
  async pull(): Promise<void> {
    let resync: Set<string> | undefined;
    let cursor = this.store.meta.cursor;
    for (;;) {
      const q = `clientId=${encodeURIComponent(this.store.meta.clientId)}&cursor=${cursor}&limit=${this.pullLimit}`;
      let page: PullResponse;
      try {
        page = (await this.http.request<PullResponse>("GET", `${this.base}/pull?${q}`)).body;
      } catch (error) {
        if (error instanceof OutpostError && error.code === "resync_required" && !resync) {
          resync = new Set();
          cursor = 0;
          continue;
        }
        throw error;
      }
      this.changed(await this.store.applyPage(page, resync));
      if (!page.hasMore) return;
      if (page.cursor <= cursor)
        throw new OutpostError(0, "invalid_response", "pull cursor did not advance", null, true);
      cursor = page.cursor;
    }
  }
}
