/**
 * The benchmark's latency model (bench-only; production never carries it): a D1 binding that
 * waits before each round trip as if the database were where a far phone's requests find it.
 *
 * - `local`: no delay (the plain local figures).
 * - `primary`: every round trip goes to the primary, far away (`PRIMARY_MS`): Outpost before
 *   sessions, or any request without them.
 * - `sessions`: reads go to a replica near the edge (`REPLICA_MS`), as D1 read replication does
 *   when the session's bookmark is current; a round trip goes to the primary when it writes, when
 *   it is the first of a `first-primary` session, when it follows a write of the same session (the
 *   near replica has not caught up with it yet: conservative), or when it runs outside any
 *   session (`env.DB` straight: Durable Objects, queue consumers).
 */
export type LatencyModel = "local" | "primary" | "sessions";

/** A trans-Pacific round trip (bench/README.md cites the source). */
export const PRIMARY_MS = 150;
/** A replica in or near the edge location's region. */
export const REPLICA_MS = 5;

let model: LatencyModel = "local";

export function setLatencyModel(next: LatencyModel): void {
  model = next;
}

const READ = /^\s*(select|with|pragma)\b/i;
const WRITE = /\b(insert|update|delete|replace)\b/i;
const isRead = (sql: string) => READ.test(sql) && !WRITE.test(sql);

interface Route {
  /** Whether this round trip must go to the primary (under `sessions`). */
  primary(reads: boolean): boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function delayFor(route: Route, reads: boolean): number {
  if (model === "local") return 0;
  if (model === "primary") return PRIMARY_MS;
  return route.primary(reads) ? PRIMARY_MS : REPLICA_MS;
}

const SENDS = new Set<PropertyKey>(["first", "all", "run", "raw"]);

/** Statements remember their SQL so a round trip knows whether it reads only. */
class Wrapper {
  readonly sql = new WeakMap<D1PreparedStatement, string>();
  readonly inner = new WeakMap<D1PreparedStatement, D1PreparedStatement>();

  constructor(readonly route: Route) {}

  statement(real: D1PreparedStatement, sql: string): D1PreparedStatement {
    const wrapped = new Proxy(real, {
      get: (target, property) => {
        if (property === "bind") return (...values: unknown[]) => this.statement(target.bind(...values), sql);
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (!SENDS.has(property)) return value.bind(target);
        return async (...args: unknown[]) => {
          await sleep(delayFor(this.route, isRead(sql)));
          return value.apply(target, args);
        };
      },
    });
    this.sql.set(wrapped, sql);
    this.inner.set(wrapped, real);
    return wrapped;
  }

  async batch<T>(statements: D1PreparedStatement[], send: (real: D1PreparedStatement[]) => Promise<T>) {
    const reads = statements.every((s) => isRead(this.sql.get(s) ?? "insert"));
    await sleep(delayFor(this.route, reads));
    return send(statements.map((s) => this.inner.get(s) ?? s));
  }
}

function wrapSession(session: D1DatabaseSession, start: string): D1DatabaseSession {
  let first = start === "first-primary";
  let wrote = false;
  const wrapper = new Wrapper({
    primary(reads) {
      const toPrimary = first || wrote || !reads;
      first = false;
      if (!reads) wrote = true;
      return toPrimary;
    },
  });
  return {
    prepare: (sql: string) => wrapper.statement(session.prepare(sql), sql),
    batch: <T>(statements: D1PreparedStatement[]) =>
      wrapper.batch(statements, (real) => session.batch<T>(real)),
    getBookmark: () => session.getBookmark(),
  };
}

/** The binding, delayed per the current model. */
export function withLatency(d1: D1Database): D1Database {
  const direct = new Wrapper({ primary: () => true });
  return {
    prepare: (sql: string) => direct.statement(d1.prepare(sql), sql),
    batch: <T>(statements: D1PreparedStatement[]) => direct.batch(statements, (real) => d1.batch<T>(real)),
    exec: (sql: string) => d1.exec(sql),
    withSession: (start?: string) => wrapSession(d1.withSession(start), start ?? "first-unconstrained"),
    dump: () => d1.dump(),
  };
}
