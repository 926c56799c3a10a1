import { ApiError, forbidden, notFound } from "../errors";
import type { SyncFailure } from "./space-rpc";

/** The space cannot answer now (object reset, overloaded, or a write that failed twice): 503. */
export const spaceUnavailable = () =>
  new ApiError(
    503,
    "service_unavailable",
    "The space is busy; retry shortly (a retried push is always safe)",
    {
      headers: { "Retry-After": "1" },
    },
  );

/** A failure the SyncSpace object reported → the contract's status and code. */
export function syncFailureError(failure: SyncFailure): ApiError {
  switch (failure.error) {
    case "not_found":
      return notFound(failure.detail);
    case "forbidden":
      return forbidden(failure.detail);
    case "mutation_gap":
      return new ApiError(409, "mutation_gap", failure.detail);
    case "unavailable":
      return spaceUnavailable();
  }
}

/** The object's write failed (it reloads from D1 and plans again): worth a warning, not an error. */
export function logWriteFailure(spaceId: string | null, error: unknown): void {
  console.error(
    JSON.stringify({
      level: "warn",
      message: "sync write failed; reloading from D1",
      spaceId,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}
