/** One scripted answer: an HTTP status plus provider-specific detail (errorCode for FCM, reason for APNs). */
export interface ScriptedResponse {
  status: number;
  errorCode?: string;
  reason?: string;
  /** Seconds, sent as a Retry-After header. */
  retryAfter?: number;
  /** APNs 410: milliseconds since the epoch when the token stopped being valid (default: now). */
  timestamp?: number;
  /** FCM: overrides the error message (e.g. to script an INVALID_ARGUMENT that is not about the token). */
  message?: string;
}

export interface Script {
  token: string;
  responses: ScriptedResponse[];
  /** After the list is played: succeed (default) or keep answering with the last entry. */
  thenSucceed?: boolean;
}

/**
 * Per-token queues of scripted answers. `next(token)` pops the answer for the next send to that
 * token, or returns undefined when the send should be handled normally.
 */
export class ScriptBook {
  #scripts = new Map<
    string,
    { responses: ScriptedResponse[]; thenSucceed: boolean; last?: ScriptedResponse }
  >();

  set(script: Script): void {
    this.#scripts.set(script.token, {
      responses: [...script.responses],
      thenSucceed: script.thenSucceed ?? true,
    });
  }

  next(token: string): ScriptedResponse | undefined {
    const entry = this.#scripts.get(token);
    if (!entry) return undefined;
    const response = entry.responses.shift();
    if (response) {
      entry.last = response;
      if (entry.responses.length === 0 && entry.thenSucceed) this.#scripts.delete(token);
      return response;
    }
    if (!entry.thenSucceed) return entry.last;
    this.#scripts.delete(token);
    return undefined;
  }

  clear(): void {
    this.#scripts.clear();
  }
}

/** Validates a control-API script body; returns an error message or the script. */
export function parseScript(
  body: Record<string, unknown>,
  detailKey: "errorCode" | "reason",
): Script | string {
  const { token, responses, thenSucceed } = body;
  if (typeof token !== "string" || token === "") return "token (non-empty string) is required";
  if (!Array.isArray(responses)) return "responses must be an array";
  if (thenSucceed !== undefined && typeof thenSucceed !== "boolean") return "thenSucceed must be a boolean";
  const parsed: ScriptedResponse[] = [];
  for (const [i, r] of responses.entries()) {
    if (typeof r !== "object" || r === null) return `responses[${i}] must be an object`;
    const entry = r as Record<string, unknown>;
    const status = entry.status;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
      return `responses[${i}].status must be an HTTP status`;
    }
    const detail = entry[detailKey];
    if (detail !== undefined && typeof detail !== "string")
      return `responses[${i}].${detailKey} must be a string`;
    for (const key of ["retryAfter", "timestamp"] as const) {
      const v = entry[key];
      if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) {
        return `responses[${i}].${key} must be a non-negative number`;
      }
    }
    if (entry.message !== undefined && typeof entry.message !== "string") {
      return `responses[${i}].message must be a string`;
    }
    parsed.push(entry as unknown as ScriptedResponse);
  }
  if (parsed.length === 0 && thenSucceed === false)
    return "an empty script cannot keep repeating its last entry";
  return { token, responses: parsed, thenSucceed: thenSucceed ?? true };
}
