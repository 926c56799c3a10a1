import { describe, expect, it } from "vitest";
import { withStorageLock } from "../../client/src/auth/lock";
import { memoryStorage } from "../../client/src/index";
import { defaultTimers } from "../../client/src/platform";

const options = (storage: ReturnType<typeof memoryStorage>, owner: string, leaseMs = 5_000) => ({
  storage,
  key: "lock",
  owner,
  timers: defaultTimers,
  now: () => Date.now(),
  leaseMs,
  pollMs: 5,
  settleMs: 5,
});

describe("withStorageLock (single-flight across instances sharing one storage)", () => {
  it("never lets two holders in at once", async () => {
    const storage = memoryStorage();
    let inside = 0;
    let most = 0;
    const critical = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setTimeout(r, 10));
      inside--;
    };
    await Promise.all(
      // One owner per instance (an instance's own callers share one promise before the lock).
      Array.from({ length: 9 }, (_, i) => withStorageLock(options(storage, `instance-${i}`), critical)),
    );
    expect(most).toBe(1);
    expect(storage.snapshot().has("lock")).toBe(false);
  });

  it("takes over a lock whose holder died once its lease ran out", async () => {
    const storage = memoryStorage();
    await storage.setMany([["lock", JSON.stringify({ owner: "killed app", until: Date.now() + 50 })]]);
    const started = Date.now();
    await withStorageLock(options(storage, "relaunched"), async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
