import type { BatchItem } from "drizzle-orm/batch";
import type { RunnableQuery } from "drizzle-orm/runnable-query";
import type { Db } from "../../db/client";

/** A drizzle query not yet run; what it resolves to is `T`. */
export type PendingQuery<T> = RunnableQuery<T, "sqlite">;

interface Queued {
  query: BatchItem<"sqlite">;
  resolve(rows: unknown): void;
  reject(error: unknown): void;
}

/**
 * Per-request batching onto D1, DataLoader-style but across loaders: every query a resolver
 * asks for while graphql-js walks one level of the operation is held, then all of them go to D1
 * together in ONE `batch()` (one round trip, and a transaction, so they read one state). A home
 * screen's four reads and the operation's other root fields share it; the record pages of every
 * space in a list share the next one. Made per request, never shared: an isolate serves many users.
 */
export class RequestBatch {
  readonly #db: Db;
  #queued: Queued[] = [];
  #scheduled = false;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Runs `query` in the next batch. */
  load<T>(query: PendingQuery<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ query, resolve: resolve as (rows: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // After the promise jobs of this step: graphql-js calls every sibling resolver (and every
    // item's resolvers of a list) before that, so they all land in one batch.
    void Promise.resolve().then(() => setTimeout(() => void this.#flush(), 0));
  }

  async #flush(): Promise<void> {
    const queued = this.#queued;
    this.#queued = [];
    this.#scheduled = false;
    const [first, ...rest] = queued;
    if (!first) return;
    try {
      const results: unknown[] = await this.#db.batch([first.query, ...rest.map((q) => q.query)]);
      queued.forEach((q, i) => q.resolve(results[i]));
    } catch (error) {
      for (const q of queued) q.reject(error);
    }
  }
}

/**
 * A keyed loader, made once per request under `name` in `registry`: the keys asked for in one
 * step are loaded together by `loadMany` (which hands its queries to the request's batch before
 * it flushes: this runs one promise job after the step, the batch a timer later).
 */
export function keyedLoader<V>(
  registry: Map<string, unknown>,
  name: string,
  loadMany: (keys: string[]) => Promise<Map<string, V>>,
): (key: string) => Promise<V | undefined> {
  const existing = registry.get(name) as ((key: string) => Promise<V | undefined>) | undefined;
  if (existing) return existing;
  let pending: Map<string, ((value: V | undefined) => void)[]> | null = null;
  let failures: ((error: unknown) => void)[] = [];
  const loader = (key: string) =>
    new Promise<V | undefined>((resolve, reject) => {
      if (!pending) {
        pending = new Map();
        failures = [];
        // Collect the keys of this step, then hand their queries to the batch before it flushes.
        void Promise.resolve().then(() => {
          const keys = pending ?? new Map<string, ((value: V | undefined) => void)[]>();
          const rejectAll = failures;
          pending = null;
          loadMany([...keys.keys()]).then(
            (values) => keys.forEach((waiters, k) => waiters.forEach((w) => w(values.get(k)))),
            (error: unknown) => rejectAll.forEach((r) => r(error)),
          );
        });
      }
      pending.set(key, [...(pending.get(key) ?? []), resolve]);
      failures.push(reject);
    });
  registry.set(name, loader);
  return loader;
}

/** D1 binds at most 100 parameters per statement: `IN (...)` lists go in chunks this long. */
export const IN_CHUNK = 90;

/** `keys` in chunks that fit one statement each, beside a few other bound parameters. */
export function chunks<T>(keys: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < keys.length; i += size) out.push(keys.slice(i, i + size));
  return out;
}
