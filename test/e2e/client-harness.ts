import WebSocket from "ws";
import type { memoryStorage } from "../../client/src/index";
import { Outpost, type OutpostOptions, type OutpostStorage } from "../../client/src/index";
import { FaultyFetch } from "../fakes/faulty-fetch";

export type MemoryStorage = ReturnType<typeof memoryStorage>;

/**
 * A storage an app instance can be "killed" on: after `kill()`, nothing this instance writes
 * lands (a dead process writes nothing), while the next instance on the same data works.
 */
export function killable(storage: OutpostStorage): OutpostStorage & { kill(): void } {
  let dead = false;
  const never = new Promise<never>(() => undefined);
  return {
    get: (key) => (dead ? never : storage.get(key)),
    getMany: (prefix) => (dead ? never : storage.getMany!(prefix)),
    setMany: (entries) => (dead ? never : storage.setMany(entries)),
    kill: () => {
      dead = true;
    },
  };
}

export interface TestApp {
  outpost: Outpost;
  net: FaultyFetch;
  /** The app process dies: no more writes, no more requests; its socket closes. */
  kill(): void;
}

/** One app launch on `storage`, talking to `baseUrl` through a FaultyFetch and `ws` sockets. */
export async function launch(
  baseUrl: string,
  storage: OutpostStorage,
  options: Partial<OutpostOptions> & { net?: FaultyFetch; sockets?: boolean } = {},
): Promise<TestApp> {
  const net = options.net ?? new FaultyFetch();
  const disk = killable(storage);
  const outpost = new Outpost({
    baseUrl,
    storage: disk,
    platform: "ios",
    appVersion: "3.2.1",
    locale: "de-CH",
    fetch: net.fetch,
    WebSocket: options.sockets === false ? null : (WebSocket as unknown as OutpostOptions["WebSocket"]),
    backoff: { baseMs: 20, maxMs: 200 },
    timeoutMs: 5_000,
    ...options,
  });
  await outpost.ready;
  return {
    outpost,
    net,
    kill() {
      disk.kill();
      net.offline = true;
      void outpost.close();
    },
  };
}

/** Polls until `check` passes (sync is asynchronous by nature); fails with its last error. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
