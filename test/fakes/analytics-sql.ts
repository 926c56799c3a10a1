import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  closeServer,
  guarded,
  header,
  isRecord,
  listen,
  parseJsonObject,
  readBody,
  sendJson,
} from "./http-util";

/**
 * A fake Workers Analytics Engine SQL API (`POST /client/v4/accounts/{id}/analytics_engine/sql`).
 * It checks what the real one checks — the bearer token and the account — and answers the
 * queries Outpost sends by evaluating them over the data points a test stored, so the production
 * read path runs end to end: points written by the Worker (recorded by the test double) go in,
 * SQL comes from the Worker, sums come back.
 *
 * It understands exactly the three query shapes of worker/ops/analytics-queries.ts, in AE's
 * dialect (`_sample_interval` weights, `toStartOfInterval`, `quantileExactWeighted`, `FORMAT
 * JSON`); any other SQL is answered 422 as AE answers a query it cannot parse, so a change to the
 * Worker's SQL fails the tests until the fake learns it.
 *
 * Control (same server): `POST /_control/points` `{ dataset, points: [{ indexes?, blobs?,
 * doubles?, timestamp? (ms), sampleInterval? }] }`, `GET /_control/queries` → the SQL received,
 * `POST /_control/reset`.
 */
export interface StoredPoint {
  dataset: string;
  timestamp: number;
  sampleInterval: number;
  index1: string;
  blobs: string[];
  doubles: number[];
}

export interface AnalyticsSqlFake {
  /** `ANALYTICS_SQL_API_BASE` for the Worker (…/client/v4). */
  apiBase: string;
  accountId: string;
  token: string;
  close(): Promise<void>;
}

type Row = Record<string, string | number>;

const TOTALS =
  /^SELECT blob1 AS name, blob2 AS l1, blob3 AS l2, blob4 AS l3, SUM\(_sample_interval \* double2\) AS value FROM (\w+) WHERE timestamp > NOW\(\) - INTERVAL '(\d+)' DAY GROUP BY name, l1, l2, l3 FORMAT JSON$/;
const COUNTS =
  /^SELECT toStartOfInterval\(timestamp, INTERVAL '(\d+)' MINUTE\) AS t, blob1 AS name, if\(blob1 = '(\w+)' AND blob3 >= '500' AND blob3 < '600', 1, 0\) AS error, SUM\(_sample_interval \* double2\) AS value FROM (\w+) WHERE timestamp > NOW\(\) - INTERVAL '(\d+)' MINUTE GROUP BY t, name, error ORDER BY t FORMAT JSON$/;
const LATENCY =
  /^SELECT toStartOfInterval\(timestamp, INTERVAL '(\d+)' MINUTE\) AS t, quantileExactWeighted\(0\.5\)\(double1, _sample_interval\) AS p50, quantileExactWeighted\(0\.95\)\(double1, _sample_interval\) AS p95 FROM (\w+) WHERE index1 = '(\w+)' AND timestamp > NOW\(\) - INTERVAL '(\d+)' MINUTE GROUP BY t ORDER BY t FORMAT JSON$/;

/** `2026-11-30 14:05:00`, as AE prints a DateTime. */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** ClickHouse's quantileExactWeighted: the smallest value whose cumulative weight reaches q of the total. */
function quantileExactWeighted(values: [number, number][], q: number): number {
  const sorted = [...values].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, w]) => sum + w, 0);
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen >= q * total) return value;
  }
  return sorted.at(-1)?.[0] ?? 0;
}

function groupBy<K>(
  points: StoredPoint[],
  key: (p: StoredPoint) => K,
): Map<string, { key: K; points: StoredPoint[] }> {
  const groups = new Map<string, { key: K; points: StoredPoint[] }>();
  for (const p of points) {
    const k = key(p);
    const id = JSON.stringify(k);
    const group = groups.get(id) ?? { key: k, points: [] };
    group.points.push(p);
    groups.set(id, group);
  }
  return groups;
}

function weightedSum(points: StoredPoint[]): number {
  return points.reduce((sum, p) => sum + p.sampleInterval * (p.doubles[1] ?? 0), 0);
}

export async function startAnalyticsSqlFake(
  options: { host?: string; port?: number } = {},
): Promise<AnalyticsSqlFake> {
  const accountId = randomBytes(16).toString("hex");
  const token = randomBytes(24).toString("base64url");
  let points: StoredPoint[] = [];
  let queries: string[] = [];

  function evaluate(
    sql: string,
    now: number,
  ): { meta: { name: string; type: string }[]; data: Row[] } | string {
    const since = (ms: number) => points.filter((p) => p.timestamp > now - ms);
    const bucket = (p: StoredPoint, stepMin: number) => {
      const step = stepMin * 60_000;
      return Math.floor(p.timestamp / step) * step;
    };
    let m = TOTALS.exec(sql);
    if (m) {
      const [, table, days] = m;
      const rows = since(Number(days) * 86_400_000).filter((p) => p.dataset === table);
      const groups = groupBy(rows, (p): [string, string, string, string] => [
        p.blobs[0] ?? "",
        p.blobs[1] ?? "",
        p.blobs[2] ?? "",
        p.blobs[3] ?? "",
      ]);
      return {
        meta: [
          { name: "name", type: "String" },
          { name: "l1", type: "String" },
          { name: "l2", type: "String" },
          { name: "l3", type: "String" },
          { name: "value", type: "Float64" },
        ],
        data: [...groups.values()].map(({ key: [name, l1, l2, l3], points: ps }) => ({
          name,
          l1,
          l2,
          l3,
          value: weightedSum(ps),
        })),
      };
    }
    m = COUNTS.exec(sql);
    if (m) {
      const [, step, requests, table, minutes] = m;
      const rows = since(Number(minutes) * 60_000).filter((p) => p.dataset === table);
      const groups = groupBy(rows, (p) => {
        const status = p.blobs[2] ?? "";
        const error = p.blobs[0] === requests && status >= "500" && status < "600" ? 1 : 0;
        return [bucket(p, Number(step)), p.blobs[0] ?? "", error] as const;
      });
      const data = [...groups.values()]
        .sort((a, b) => a.key[0] - b.key[0])
        .map(({ key: [t, name, error], points: ps }) => ({
          t: formatTime(t),
          name,
          error,
          value: weightedSum(ps),
        }));
      return {
        meta: [
          { name: "t", type: "DateTime" },
          { name: "name", type: "String" },
          { name: "error", type: "UInt8" },
          { name: "value", type: "Float64" },
        ],
        data,
      };
    }
    m = LATENCY.exec(sql);
    if (m) {
      const [, step, table, index, minutes] = m;
      const rows = since(Number(minutes) * 60_000).filter((p) => p.dataset === table && p.index1 === index);
      const groups = groupBy(rows, (p) => bucket(p, Number(step)));
      const data = [...groups.values()]
        .sort((a, b) => a.key - b.key)
        .map(({ key: t, points: ps }) => {
          const values = ps.map((p): [number, number] => [p.doubles[0] ?? 0, p.sampleInterval]);
          return {
            t: formatTime(t),
            p50: quantileExactWeighted(values, 0.5),
            p95: quantileExactWeighted(values, 0.95),
          };
        });
      return {
        meta: [
          { name: "t", type: "DateTime" },
          { name: "p50", type: "Float64" },
          { name: "p95", type: "Float64" },
        ],
        data,
      };
    }
    return "unsupported or malformed query";
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname === "/_control/points" && req.method === "POST") {
      const body = parseJsonObject(await readBody(req));
      if (!body || typeof body.dataset !== "string" || !Array.isArray(body.points)) {
        sendJson(res, 400, { error: "expected { dataset, points: [...] }" });
        return;
      }
      for (const raw of body.points as unknown[]) {
        if (!isRecord(raw)) continue;
        const strings = (v: unknown) => (Array.isArray(v) ? v.map((x) => (x == null ? "" : String(x))) : []);
        const numbers = (v: unknown) => (Array.isArray(v) ? v.map(Number) : []);
        points.push({
          dataset: body.dataset,
          timestamp: typeof raw.timestamp === "number" ? raw.timestamp : Date.now(),
          sampleInterval: typeof raw.sampleInterval === "number" ? raw.sampleInterval : 1,
          index1: strings(raw.indexes)[0] ?? "",
          blobs: strings(raw.blobs),
          doubles: numbers(raw.doubles),
        });
      }
      sendJson(res, 200, { stored: points.length });
      return;
    }
    if (url.pathname === "/_control/queries" && req.method === "GET") {
      sendJson(res, 200, queries);
      return;
    }
    if (url.pathname === "/_control/reset" && req.method === "POST") {
      points = [];
      queries = [];
      sendJson(res, 200, {});
      return;
    }
    const route = /^\/client\/v4\/accounts\/([^/]+)\/analytics_engine\/sql$/.exec(url.pathname);
    if (!route || req.method !== "POST") {
      sendJson(res, 404, { success: false, errors: [{ code: 7003, message: "No route for that URI" }] });
      return;
    }
    if (header(req, "authorization") !== `Bearer ${token}`) {
      sendJson(res, 401, { success: false, errors: [{ code: 10000, message: "Authentication error" }] });
      return;
    }
    if (route[1] !== accountId) {
      sendJson(res, 403, { success: false, errors: [{ code: 10000, message: "Authentication error" }] });
      return;
    }
    const sql = (await readBody(req)).toString("utf8").replace(/\s+/g, " ").trim();
    queries.push(sql);
    const result = evaluate(sql, Date.now());
    if (typeof result === "string") {
      res.writeHead(422, { "content-type": "text/plain" });
      res.end(`Error: ${result}: ${sql}`);
      return;
    }
    sendJson(res, 200, {
      ...result,
      rows: result.data.length,
      rows_before_limit_at_least: result.data.length,
    });
  }

  const server = createServer(guarded(handle));
  const url = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0);
  return { apiBase: `${url}/client/v4`, accountId, token, close: () => closeServer(server) };
}
