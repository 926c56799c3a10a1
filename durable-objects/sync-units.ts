import { CountedSession } from "../worker/db/counted-session";

/**
 * The space object's units of work: writes run one at a time (awaiting D1 would otherwise let
 * another request in between), each in a fresh `first-primary` D1 session of its own, so its reads
 * see every write made before it, its commit's bookmark is the change's, and its round trips are
 * counted for the responses it serves.
 */
export class SyncUnits {
  /** The current unit of work's primary session (replaced by `serial`). */
  session: CountedSession;
  /** A unit of work is running in `session` (its round trips are being counted for its pushes). */
  #inUnit = false;
  #tail: Promise<unknown> = Promise.resolve();
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
    this.session = new CountedSession(db, "first-primary");
  }

  /**
   * Work outside the queue (a socket's role check, the alarm) reads in a fresh primary session too,
   * so it sees a space or membership written since the last unit — unless a unit is running, whose
   * session is recent and whose counts would otherwise be split.
   */
  fresh(): void {
    if (!this.#inUnit) this.session = new CountedSession(this.#db, "first-primary");
  }

  /** Runs `work` after every earlier one, in a fresh primary session of its own. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const unit = async () => {
      this.session = new CountedSession(this.#db, "first-primary");
      this.#inUnit = true;
      try {
        return await work();
      } finally {
        this.#inUnit = false;
      }
    };
    const run = this.#tail.then(unit, unit);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
