import { env } from "cloudflare:workers";
import type { CampaignScheduler, SyncSpace } from "./test-worker";

// The bindings are typed with the production classes (worker-configuration.d.ts); the test
// entry (./test-worker.ts) binds its subclasses under the same names, so these stubs carry the hooks.

/** A space's SyncSpace object, with `inspect` and `armCrashAfterCommit`. */
export function syncSpaceStub(spaceId: string): DurableObjectStub<SyncSpace> {
  const ns = env.SYNC_SPACE as unknown as DurableObjectNamespace<SyncSpace>;
  return ns.get(ns.idFromName(spaceId));
}

/** A campaign's scheduler object, with `state`. */
export function campaignStub(campaignId: string): DurableObjectStub<CampaignScheduler> {
  const ns = env.CAMPAIGN as unknown as DurableObjectNamespace<CampaignScheduler>;
  return ns.get(ns.idFromName(campaignId));
}
