/**
 * A D1 binding that counts round trips (a statement's `first`/`all`/`run`/`raw` is one, a
 * `batch` is one for all its statements), for tests that assert how often an object goes to D1.
 * Statements are proxies, so `batch` hands D1 the real ones.
 */
const SENDS = new Set<PropertyKey>(["first", "all", "run", "raw"]);

export class CountingD1 {
  roundTrips = 0;
  /** How each session was opened (`first-primary`, a bookmark, ...), in order. */
  readonly starts: (string | undefined)[] = [];
  readonly #inner = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  readonly binding: D1Database;

  constructor(d1: D1Database) {
    this.binding = {
      prepare: (sql: string) => this.#statement(d1.prepare(sql)),
      batch: <T>(statements: D1PreparedStatement[]) => {
        this.roundTrips += 1;
        return d1.batch<T>(statements.map((s) => this.#inner.get(s) ?? s));
      },
      exec: (sql: string) => {
        this.roundTrips += 1;
        return d1.exec(sql);
      },
      // Sessions count too (the sync object works in its own primary sessions); `starts`
      // records how each was opened.
      withSession: (start?: string) => this.#session(d1.withSession(start), start),
      dump: () => d1.dump(),
    };
  }

  /** The round trips since the last call. */
  take(): number {
    const n = this.roundTrips;
    this.roundTrips = 0;
    return n;
  }

  #session(real: D1DatabaseSession, start: string | undefined): D1DatabaseSession {
    this.starts.push(start);
    return {
      prepare: (sql: string) => this.#statement(real.prepare(sql)),
      batch: <T>(statements: D1PreparedStatement[]) => {
        this.roundTrips += 1;
        return real.batch<T>(statements.map((s) => this.#inner.get(s) ?? s));
      },
      getBookmark: () => real.getBookmark(),
    };
  }

  #statement(real: D1PreparedStatement): D1PreparedStatement {
    const wrapped = new Proxy(real, {
      get: (target, property) => {
        if (property === "bind") return (...values: unknown[]) => this.#statement(target.bind(...values));
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (SENDS.has(property)) this.roundTrips += 1;
        return value.bind(target);
      },
    });
    this.#inner.set(wrapped, real);
    return wrapped;
  }
}
