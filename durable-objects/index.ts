export { ApnsCredentials } from "./credentials";
export { CampaignScheduler } from "./campaign";
export { MetricsCounter } from "./metrics";
export { SyncSpace } from "./sync-space";
