import { app } from "./app";
import { handleScheduled } from "./ops/purge/run";
import { handleQueue } from "./push/campaigns/queue-consumer";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export {
  ApnsCredentials,
  CampaignScheduler,
  FcmCredentials,
  MetricsCounter,
  PlayCredentials,
  RateLimiter,
  SyncSpace,
} from "../durable-objects";
