import { sleep, type Timers } from "../platform.js";
import type { OutpostStorage } from "../storage/types.js";

interface LockRecord {
  owner: string;
  until: number;
}

export interface LockOptions {
  storage: OutpostStorage;
  key: string;
  owner: string;
  timers: Timers;
  now: () => number;
  /** How long a holder may keep it: a holder that dies (app killed) frees it after this. */
  leaseMs: number;
  /** Time for a racing writer's write to land before we re-read (storage has no compare-and-set). */
  settleMs?: number;
  pollMs?: number;
}

const parse = (raw: string | null): LockRecord | null => {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as LockRecord;
  } catch {
    return null;
  }
};

/**
 * Runs `fn` while holding a lease in shared storage, so two SDK instances on one storage (an app
 * and its extension) never run it at once. Storage offers no compare-and-set, so taking the lock
 * is write, wait `settleMs`, re-read: of two instances that both saw it free, only the last
 * writer still finds its own name and proceeds; the other waits for the lease to end.
 */
export async function withStorageLock<T>(options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const { storage, key, owner, timers, now, leaseMs } = options;
  const settleMs = options.settleMs ?? 20;
  const pollMs = options.pollMs ?? 40;
  for (;;) {
    const held = parse(await storage.get(key));
    if (held && held.owner !== owner && held.until > now()) {
      await sleep(timers, pollMs);
      continue;
    }
    await storage.setMany([[key, JSON.stringify({ owner, until: now() + leaseMs })]]);
    await sleep(timers, settleMs);
    if (parse(await storage.get(key))?.owner === owner) break;
  }
  try {
    return await fn();
  } finally {
    if (parse(await storage.get(key))?.owner === owner) await storage.setMany([[key, null]]);
  }
}
