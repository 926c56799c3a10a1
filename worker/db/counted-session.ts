/**
 * One request's D1 session, counted. Every query of a request runs through it, so it knows how
 * many statements the request sent, in how many round trips (`prepare().first/all/run/raw` is
 * one; a `batch([...])` is one for all its statements), how long they took, and — where D1 says
 * (`meta.served_by_primary`; `first` and `raw` return no meta, local D1 never says) — how many
 * went to the primary. `Server-Timing` and the request log read the counts.
 *
 * The session opens lazily on the first query, so a route can still ask for the primary
 * (`usePrimary`) after the middleware made the handle.
 */
import type { D1Like } from "./client";

export type SessionStart = D1SessionConstraint | D1SessionBookmark;

/**
 * Bookmarks are designed to compare as strings, an earlier state before a later one (Cloudflare's
 * Durable Objects glossary, "bookmark", and D1's read-replication docs; locally they are
 * fixed-width hex groups, `0000004c-00000001-…`), so the newer of two is the greater string.
 */
export function newerBookmark(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}

/**
 * D1 work done on a request's behalf elsewhere — by a Durable Object in its own primary session —
 * and the database position it reached (the bookmark of its commit). `sharedBy` is how many
 * requests that work served (a group commit serves every push of the group).
 */
export interface D1Work {
  queries: number;
  roundTrips: number;
  durationMs: number;
  bookmark: string | null;
  sharedBy: number;
}

/** Methods of a prepared statement that go to the database (each one round trip). */
const SENDS = new Set<PropertyKey>(["first", "all", "run", "raw"]);

export class CountedSession implements D1Like {
  readonly #d1: D1Database;
  #start: SessionStart;
  #session: D1DatabaseSession | null = null;
  /**
   * A position this request's answer must reflect beyond its own session: the bookmark of a
   * session replaced by a primary one, or of a Durable Object's commit made for this request.
   */
  #floor: string | null = null;
  /** The real statement behind each counted one, for `batch`. */
  readonly #inner = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  queries = 0;
  roundTrips = 0;
  /** Round trips D1 said were served by the primary; `known` counts those it said anything about. */
  primary = 0;
  known = 0;
  durationMs = 0;
  /** D1 work a Durable Object did for this request, reported apart (`do-d1` in Server-Timing). */
  object: D1Work | null = null;

  constructor(d1: D1Database, start: SessionStart) {
    this.#d1 = d1;
    this.#start = start;
  }

  /** How this session started: a constraint or the client's bookmark. */
  get start(): SessionStart {
    return this.#start;
  }

  /**
   * This request must read the primary (right after writes elsewhere, admin read-backs): the next
   * query opens a `first-primary` session. Queries already run stay counted.
   */
  usePrimary(): void {
    if (this.#start === "first-primary") return;
    this.#floor = this.getBookmark();
    this.#start = "first-primary";
    this.#session = null;
  }

  /** The newest database position this request's queries reflect (null before any query). */
  getBookmark(): string | null {
    return newerBookmark(this.#floor, this.#session?.getBookmark() ?? null);
  }

  /** What this session's queries so far cost, and where they left it. */
  work(sharedBy = 1): D1Work {
    const { queries, roundTrips, durationMs } = this;
    return { queries, roundTrips, durationMs, bookmark: this.getBookmark(), sharedBy };
  }

  /**
   * A Durable Object wrote (or read) D1 for this request: its round trips are reported with this
   * request's, and the response's bookmark is at least its commit's, so the client reads the write.
   */
  addObjectWork(work: D1Work): void {
    const prev = this.object;
    this.object = prev
      ? {
          queries: prev.queries + work.queries,
          roundTrips: prev.roundTrips + work.roundTrips,
          durationMs: prev.durationMs + work.durationMs,
          bookmark: newerBookmark(prev.bookmark, work.bookmark),
          sharedBy: Math.max(prev.sharedBy, work.sharedBy),
        }
      : work;
    this.#floor = newerBookmark(this.#floor, work.bookmark);
  }

  prepare(query: string): D1PreparedStatement {
    return this.#count(this.#open().prepare(query));
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    const real = statements.map((statement) => this.#inner.get(statement) ?? statement);
    const results = await this.#send(() => this.#open().batch<T>(real), real.length);
    this.#served(results[0]);
    return results;
  }

  #open(): D1DatabaseSession {
    this.#session ??= this.#d1.withSession(this.#start);
    return this.#session;
  }

  /** A statement whose sending methods are counted; `bind` keeps counting. */
  #count(statement: D1PreparedStatement): D1PreparedStatement {
    const counted = new Proxy(statement, {
      get: (target, property) => {
        if (property === "bind") {
          return (...values: unknown[]) => this.#count(target.bind(...values));
        }
        const value: unknown = Reflect.get(target, property, target);
        if (!SENDS.has(property) || typeof value !== "function") {
          return typeof value === "function" ? value.bind(target) : value;
        }
        return async (...args: unknown[]) => {
          const result: unknown = await this.#send(() => Promise.resolve(value.apply(target, args)), 1);
          if (property === "all" || property === "run") this.#served(result as D1Result);
          return result;
        };
      },
    });
    this.#inner.set(counted, statement);
    return counted;
  }

  async #send<R>(work: () => Promise<R>, statements: number): Promise<R> {
    this.queries += statements;
    this.roundTrips += 1;
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.durationMs += performance.now() - started;
    }
  }

  #served(result: D1Result | undefined): void {
    const primary = result?.meta.served_by_primary;
    if (primary === undefined) return;
    this.known += 1;
    if (primary) this.primary += 1;
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * `Server-Timing`'s D1 entries: `d1;desc="2 queries, 1 round trip";dur=3.1` for the request's own
 * session, naming how many went to the primary when D1 said (`, 1 to primary`; locally it never
 * does); then, when a Durable Object worked for the request (a sync push), its own primary
 * session's: `do-d1;desc="4 queries, 1 round trip, primary, shared by 3 pushes";dur=2.0`.
 */
export function d1ServerTiming(session: CountedSession): string {
  const { queries, roundTrips } = session;
  const parts = [plural(queries, "query", "queries"), plural(roundTrips, "round trip", "round trips")];
  if (session.known > 0) parts.push(`${session.primary} to primary`);
  const own = `d1;desc="${parts.join(", ")}";dur=${session.durationMs.toFixed(1)}`;
  const work = session.object;
  if (!work) return own;
  const theirs = [
    plural(work.queries, "query", "queries"),
    plural(work.roundTrips, "round trip", "round trips"),
    "primary",
  ];
  if (work.sharedBy > 1) theirs.push(`shared by ${work.sharedBy} pushes`);
  return `${own}, do-d1;desc="${theirs.join(", ")}";dur=${work.durationMs.toFixed(1)}`;
}
