import { ApiError } from "../errors";

/**
 * The Workers Analytics Engine SQL API client: `POST {base}/accounts/{id}/analytics_engine/sql`
 * with the query as the body and the API token as bearer (`ANALYTICS_SQL_API_BASE`, default
 * Cloudflare's; tests point it at a fake on loopback). Only this module talks to the API; the
 * query text comes from ./analytics-queries.ts, never from user input.
 */
const DEFAULT_API_BASE = "https://api.cloudflare.com/client/v4";
/** Scrapes and the console wait this long at most; the SQL API answers typical queries in < 1 s. */
const TIMEOUT_MS = 10_000;
/** Dataset names are identifiers in the SQL text: only these characters ever reach it. */
const DATASET = /^[A-Za-z0-9_]{1,64}$/;

/** The dataset (table) to read: `ANALYTICS_DATASET`, checked so it is safe to put in SQL text. */
export function analyticsDataset(env: Env): string {
  const name = env.ANALYTICS_DATASET || "outpost_metrics";
  if (!DATASET.test(name))
    throw new ApiError(500, "internal", "ANALYTICS_DATASET is not a valid dataset name");
  return name;
}

function unavailable(detail: string): ApiError {
  console.error(JSON.stringify({ level: "warn", message: "analytics sql failed", detail }));
  return new ApiError(503, "service_unavailable", "The metrics source is unavailable");
}

/** Runs one `FORMAT JSON` query and answers its `data` rows (AE returns 64-bit numbers as strings). */
export async function queryAnalytics<Row extends Record<string, unknown>>(
  env: Env,
  sql: string,
): Promise<Row[]> {
  const account = env.ANALYTICS_ACCOUNT_ID;
  const token = env.ANALYTICS_API_TOKEN;
  if (!account || !token) throw unavailable("ANALYTICS_ACCOUNT_ID or ANALYTICS_API_TOKEN missing");
  const base = (env.ANALYTICS_SQL_API_BASE || DEFAULT_API_BASE).replace(/\/+$/, "");
  let res: Response;
  try {
    res = await fetch(`${base}/accounts/${encodeURIComponent(account)}/analytics_engine/sql`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain" },
      body: sql,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw unavailable(error instanceof Error ? error.message : String(error));
  }
  const text = await res.text();
  if (!res.ok) throw unavailable(`status ${res.status}: ${text.slice(0, 300)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw unavailable("response is not JSON");
  }
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) throw unavailable("response has no data array");
  return data as Row[];
}

/** A numeric cell (AE's JSON quotes UInt64/Int64 values); NaN-safe. */
export function cellNumber(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** `2026-11-30 14:05:00` (UTC, as `toStartOfInterval` prints it) → ms since the epoch. */
export function cellTime(value: unknown): number {
  return Date.parse(`${String(value).replace(" ", "T")}Z`);
}
