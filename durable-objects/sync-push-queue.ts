import { takeGroup } from "../worker/sync/group";
import type { PushRequest, SyncPushOutcome } from "../worker/sync/space-rpc";
import type { SyncUnits } from "./sync-units";

export interface QueuedPush {
  req: PushRequest;
  resolve: (outcome: SyncPushOutcome) => void;
}

/**
 * Pushes queue up while a commit is in flight and are then committed together (group commit):
 * one unit of work takes a bounded group (`takeGroup`) and hands it to `commit`, which resolves
 * every push of it; whatever arrived meanwhile forms the next group.
 */
export class PushQueue {
  readonly #queue: QueuedPush[] = [];
  #draining = false;
  readonly #units: SyncUnits;
  readonly #commit: (group: QueuedPush[]) => Promise<void>;

  constructor(units: SyncUnits, commit: (group: QueuedPush[]) => Promise<void>) {
    this.#units = units;
    this.#commit = commit;
  }

  push(req: PushRequest): Promise<SyncPushOutcome> {
    const done = new Promise<SyncPushOutcome>((resolve) => this.#queue.push({ req, resolve }));
    this.#drainSoon();
    return done;
  }

  #drainSoon(): void {
    if (this.#draining) return;
    this.#draining = true;
    void this.#units.serial(async () => {
      try {
        await this.#commit(takeGroup(this.#queue));
      } finally {
        this.#draining = false;
        if (this.#queue.length) this.#drainSoon();
      }
    });
  }
}
