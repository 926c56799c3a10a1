import type { FieldError } from "../../errors";
import type { PushMessage } from "../providers/provider";
import { validatePushPayload } from "./payload";
import type { Campaign } from "./queries/campaigns";
import type { CampaignInput } from "./schema";

/** Every push carries its campaign id, so the app can report the open (`POST /v1/push/opened`). */
const CAMPAIGN_ID_DATA_KEY = "outpostCampaignId";

type MessageFields = Pick<
  Campaign,
  "id" | "title" | "body" | "data" | "silent" | "priority" | "collapseKey" | "ttlSeconds"
>;

/** The message one device gets. `messageId` is stable per (campaign, device): the APNs `apns-id`. */
export function toPushMessage(campaign: MessageFields, deviceId: string): PushMessage {
  const message: PushMessage = {
    data: { ...campaign.data, [CAMPAIGN_ID_DATA_KEY]: campaign.id },
    silent: campaign.silent,
    priority: campaign.priority,
    campaignId: campaign.id,
    messageId: `${campaign.id}:${deviceId}`,
  };
  if (campaign.title !== null) message.title = campaign.title;
  if (campaign.body !== null) message.body = campaign.body;
  if (campaign.collapseKey !== null) message.collapseKey = campaign.collapseKey;
  if (campaign.ttlSeconds !== null) message.ttlSeconds = campaign.ttlSeconds;
  return message;
}

/**
 * What the providers would refuse, checked before anything is stored or queued. The size check
 * runs on the message as it will be sent (with the campaign id in `data`, and a UUID's length).
 */
export function validateCampaignPayload(input: CampaignInput): FieldError[] {
  const errors: FieldError[] = [];
  if (input.silent && (input.title !== undefined || input.body !== undefined)) {
    errors.push({ path: "silent", message: "a silent push carries no title or body" });
  }
  if (!input.silent && (input.title === undefined || input.body === undefined)) {
    errors.push({ path: input.title === undefined ? "title" : "body", message: "is required" });
  }
  if (input.data && CAMPAIGN_ID_DATA_KEY in input.data) {
    errors.push({ path: `data.${CAMPAIGN_ID_DATA_KEY}`, message: "is reserved" });
  }
  if (errors.length > 0) return errors;
  const probe = toPushMessage(
    {
      id: crypto.randomUUID(),
      title: input.title ?? null,
      body: input.body ?? null,
      data: input.data ?? {},
      silent: input.silent ?? false,
      priority: input.priority ?? "high",
      collapseKey: input.collapseKey ?? null,
      ttlSeconds: input.ttlSeconds ?? null,
    },
    crypto.randomUUID(),
  );
  return validatePushPayload(probe).map((e) =>
    e.path.startsWith(`data.${CAMPAIGN_ID_DATA_KEY}`) ? { ...e, path: "data" } : e,
  );
}
