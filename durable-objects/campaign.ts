import { DurableObject } from "cloudflare:workers";

// PLACEHOLDER: filled in by the work that owns it.
export class CampaignScheduler extends DurableObject<Env> {}
