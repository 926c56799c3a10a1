import { logWriteFailure } from "../worker/sync/failures";
import { type SyncFailure, unavailable } from "../worker/sync/space-rpc";
import type { SpaceCache } from "./sync-cache";
import type { WriteCache } from "./sync-records";

/**
 * Runs a write; on any failure the caches may be stale (a lost D1 response may even hide a
 * commit), so they are rebuilt from D1 and the write is planned again, once. The commit's
 * compare-and-swap guards make the second attempt safe whatever the first did.
 */
export async function withRetry<T>(
  caches: { cache: SpaceCache; writes: WriteCache },
  attempt: () => Promise<T | SyncFailure>,
): Promise<T | SyncFailure> {
  const { cache, writes } = caches;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      logWriteFailure(cache.spaceId, error);
      cache.invalidate();
      writes.invalidate();
      const spaceId = cache.spaceId;
      if (tries >= 1 || !spaceId) return unavailable();
      try {
        await cache.ready(spaceId);
      } catch {
        return unavailable();
      }
    }
  }
}
