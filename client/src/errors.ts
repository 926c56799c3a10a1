/** Every failing call rejects with this, built from the server's problem details (RFC 9457). */
export class OutpostError extends Error {
  override readonly name = "OutpostError";

  constructor(
    /** HTTP status; 0 when no response arrived (network, timeout). */
    readonly status: number,
    /** The server's stable code (`mutation_gap`, …), `network`, or `signed_out`. */
    readonly code: string,
    readonly detail: string,
    readonly requestId: string | null,
    /** True when the same call may succeed later unchanged (network, 5xx, 429). */
    readonly retryable: boolean,
    /** Server-suggested wait (`Retry-After`) in milliseconds, when it sent one. */
    readonly retryAfterMs?: number,
    /** The whole problem body, for fields a caller may need (`minVersion`, `errors`). */
    readonly body?: Record<string, unknown>,
  ) {
    super(`${code}: ${detail}`);
  }
}

export const networkError = (detail: string): OutpostError =>
  new OutpostError(0, "network", detail, null, true);

/** No session: the caller must sign in (never retried, so sync never loops on it). */
export const signedOutError = (): OutpostError =>
  new OutpostError(401, "signed_out", "Not signed in", null, false);

const isRetryableStatus = (status: number) => status >= 500 || status === 429 || status === 408;

/** `Retry-After` as seconds or an HTTP date → milliseconds. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function errorFromResponse(
  status: number,
  body: unknown,
  requestId: string | null,
  retryAfterMs: number | undefined,
): OutpostError {
  const problem = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof problem.code === "string" ? problem.code : `http_${status}`;
  const detail = typeof problem.detail === "string" ? problem.detail : `HTTP ${status}`;
  const id = typeof problem.requestId === "string" ? problem.requestId : requestId;
  return new OutpostError(status, code, detail, id, isRetryableStatus(status), retryAfterMs, problem);
}
