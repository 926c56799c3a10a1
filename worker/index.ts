import { app } from "./app";
import { handleQueue } from "./push/queue";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;

export {
  ApnsCredentials,
  CampaignScheduler,
  FcmCredentials,
  MetricsCounter,
  RateLimiter,
  SyncSpace,
} from "../durable-objects";
