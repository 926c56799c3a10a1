import { app } from "./app";
import { handleQueue } from "./push/campaigns/queue-consumer";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;

export {
  ApnsCredentials,
  CampaignScheduler,
  FcmCredentials,
  MetricsCounter,
  SyncSpace,
} from "../durable-objects";
