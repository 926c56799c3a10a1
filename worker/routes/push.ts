import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_KEY_ACTOR, audit } from "../audit/record";
import { ApiError, invalidBody, invalidQuery, notFound } from "../errors";
import { limitPerAdminKey } from "../middleware/rate-limit";
import { asAdmin, asUser, createRouter, problems } from "../openapi";
import { cancelCampaign, createCampaign } from "../push/campaigns/campaigns";
import { validateCampaignPayload } from "../push/campaigns/message";
import { findCampaign } from "../push/campaigns/queries/campaigns";
import { recordOpen } from "../push/campaigns/queries/ledger";
import {
  campaignBodySchema as CampaignBody,
  campaignIdSchema as Id,
  campaignViewSchema as CampaignView,
  createdCampaignSchema as Created,
} from "../push/campaigns/schema";
import { campaignStats } from "../push/campaigns/stats";

export const pushRoutes = createRouter();

const MAX_SCHEDULE_AHEAD_MS = 366 * 86_400_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

pushRoutes.openapi(
  createRoute({
    method: "post",
    path: "/campaigns",
    operationId: "createCampaign",
    tags: ["push", "admin"],
    summary: "Create a push campaign (admin)",
    description:
      "Answers 202 as soon as the campaign is stored and scheduled; provider calls happen in the queue. " +
      "An optional `Idempotency-Key` header (1-255 visible ASCII characters) makes a retry return the " +
      "same campaign; reusing it for a different body is 409 idempotency_conflict. Target criteria combine " +
      "with AND (lists with OR); `target: {}` reaches every device with a live push token.",
    ...asAdmin(limitPerAdminKey("campaign_create")),
    request: { body: { content: { "application/json": { schema: CampaignBody } }, required: true } },
    responses: {
      202: { description: "Accepted", content: { "application/json": { schema: Created } } },
      ...problems(400, 401, 403, 409, 413, 415, 429),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const key = c.req.header("Idempotency-Key") ?? null;
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
      throw invalidQuery("Idempotency-Key must be 1 to 255 visible ASCII characters", [
        { path: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters" },
      ]);
    }
    const now = Date.now();
    const errors = validateCampaignPayload(input);
    if (input.sendAt !== undefined && input.sendAt > now + MAX_SCHEDULE_AHEAD_MS) {
      errors.push({ path: "sendAt", message: "must be within a year" });
    }
    if (errors.length > 0) throw invalidBody("The campaign cannot be sent as given", errors);
    const { campaign, replayed } = await createCampaign(c.env, c.var.db, input, key, now);
    if (replayed) c.header("Idempotent-Replayed", "true");
    else
      await audit(c.var.db, ADMIN_KEY_ACTOR, "campaign.created", campaign.id, { title: input.title ?? null });
    c.header("Cache-Control", "no-store");
    const status: z.infer<typeof Created>["status"] =
      campaign.createdStatus === "scheduled" ? "scheduled" : "sending";
    return c.json({ id: campaign.id, status }, 202);
  },
);

pushRoutes.openapi(
  createRoute({
    method: "get",
    path: "/campaigns/{id}",
    operationId: "getCampaign",
    tags: ["push", "admin"],
    summary: "A campaign's status and delivery stats (admin)",
    ...asAdmin(),
    request: { params: z.object({ id: Id }) },
    responses: {
      200: { description: "The campaign", content: { "application/json": { schema: CampaignView } } },
      ...problems(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const campaign = await findCampaign(c.var.db, id);
    if (!campaign) throw notFound("No such campaign");
    const stats = await campaignStats(c.var.db, id);
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        id: campaign.id,
        status: campaign.status,
        stats,
        createdAt: campaign.createdAt,
        sendAt: campaign.sendAt,
        localTime: campaign.localTime,
        silent: campaign.silent,
      },
      200,
    );
  },
);

pushRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/campaigns/{id}",
    operationId: "cancelCampaign",
    tags: ["push", "admin"],
    summary: "Cancel what has not been sent yet (admin)",
    description:
      "204 also when the campaign was already cancelled. A campaign that has been sent completely " +
      "cannot be cancelled: 409 conflict.",
    ...asAdmin(),
    request: { params: z.object({ id: Id }) },
    responses: { 204: { description: "Cancelled" }, ...problems(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const result = await cancelCampaign(c.env, c.var.db, id, Date.now());
    if (result === "not_found") throw notFound("No such campaign");
    if (result === "already_sent") throw new ApiError(409, "conflict", "The campaign has already been sent");
    await audit(c.var.db, ADMIN_KEY_ACTOR, "campaign.cancelled", id);
    return c.body(null, 204);
  },
);

pushRoutes.openapi(
  createRoute({
    method: "post",
    path: "/opened",
    operationId: "reportPushOpened",
    tags: ["push"],
    summary: "The app reports that the user opened a push (counted once per device)",
    ...asUser(),
    request: {
      body: {
        content: { "application/json": { schema: z.strictObject({ campaignId: Id, deviceId: Id }) } },
        required: true,
      },
    },
    responses: { 204: { description: "Recorded" }, ...problems(400, 401, 404, 413, 415, 426) },
  }),
  async (c) => {
    const { campaignId, deviceId } = c.req.valid("json");
    const ok = await recordOpen(c.var.db, c.var.auth.userId, campaignId, deviceId, Date.now());
    if (!ok) throw notFound("No such delivery");
    return c.body(null, 204);
  },
);
