export { ApnsCredentials } from "./apns-credentials";
export { CampaignScheduler } from "./campaign";
export { FcmCredentials } from "./fcm-credentials";
export { MetricsCounter } from "./metrics";
export { PlayCredentials } from "./play-credentials";
export { RateLimiter } from "./rate-limiter";
export { SyncSpace } from "./sync-space";
