import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_KEY_ACTOR, audit } from "../audit/record";
import { RemoteConfigSchema } from "../config/schema";
import { getLiveConfig, putLiveConfig } from "../config/store";
import { ApiError } from "../errors";
import { asAdmin, createRouter, problem, problems } from "../openapi";
import { scrapeMetrics } from "../ops/scrape";
import { countAudience } from "../push/campaigns/audience";
import { campaignBodySchema } from "../push/campaigns/schema";

/** Operator endpoints, mounted at /v1/admin. */
export const adminRoutes = createRouter();

/** The admin config's entity tag names its revision, so an editor can PUT with If-Match. */
const revisionTag = (revision: number) => `"config-r${revision}"`;

/** `If-Match` → the revision it names; undefined for no header or `*`; NaN if it names none of ours. */
function expectedRevision(ifMatch: string | undefined): number | undefined {
  const value = ifMatch?.trim();
  if (!value || value === "*") return undefined;
  const m = /^"config-r(\d{1,15})"$/.exec(value);
  return m ? Number(m[1]) : Number.NaN;
}

const revisionHeaders = z.object({
  "X-Config-Revision": z
    .string()
    .openapi({ description: "Grows by one or more with every PUT; 0 before the first" }),
});

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/config",
    operationId: "getAdminConfig",
    tags: ["admin", "config"],
    summary: "Read the remote config back",
    ...asAdmin(),
    responses: {
      200: {
        description: "The live config (as stored, defaults filled in)",
        headers: revisionHeaders,
        content: { "application/json": { schema: RemoteConfigSchema } },
      },
      ...problems(401, 403),
    },
  }),
  async (c) => {
    const live = await getLiveConfig(c.var.db, { fresh: true });
    c.header("X-Config-Revision", String(live.revision));
    c.header("ETag", revisionTag(live.revision));
    c.header("Cache-Control", "no-store");
    return c.json(live.config, 200);
  },
);

adminRoutes.openapi(
  createRoute({
    method: "put",
    path: "/config",
    operationId: "replaceAdminConfig",
    tags: ["admin", "config"],
    summary: "Replace the remote config",
    description:
      "Validated strictly (unknown fields are invalid_body). Live at once on the instance that " +
      "stores it, and everywhere within 60 seconds. Send `If-Match` with the ETag of a GET to " +
      "refuse the write (412 precondition_failed) if someone else changed the config since.",
    ...asAdmin(),
    request: {
      headers: z.object({ "if-match": z.string().optional() }),
      body: { content: { "application/json": { schema: RemoteConfigSchema } }, required: true },
    },
    responses: {
      200: {
        description: "The stored config",
        headers: revisionHeaders,
        content: { "application/json": { schema: RemoteConfigSchema } },
      },
      ...problems(400, 401, 403, 413, 415),
      412: problem(412, "precondition_failed: If-Match names a revision that is no longer live"),
    },
  }),
  async (c) => {
    const expected = expectedRevision(c.req.header("If-Match"));
    const live = Number.isNaN(expected) ? null : await putLiveConfig(c.var.db, c.req.valid("json"), expected);
    if (!live) {
      throw new ApiError(412, "precondition_failed", "The config changed since it was read; read it again", {
        headers: { ETag: revisionTag((await getLiveConfig(c.var.db, { fresh: true })).revision) },
      });
    }
    await audit(c.var.db, ADMIN_KEY_ACTOR, "config.replaced", `r${live.revision}`, {
      revision: live.revision,
    });
    c.header("X-Config-Revision", String(live.revision));
    c.header("ETag", revisionTag(live.revision));
    c.header("Cache-Control", "no-store");
    return c.json(live.config, 200);
  },
);

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/metrics",
    operationId: "getMetrics",
    tags: ["admin", "operations"],
    summary: "Prometheus metrics",
    ...asAdmin(),
    responses: {
      200: {
        description: "Prometheus text exposition format 0.0.4",
        content: { "text/plain": { schema: z.string() } },
      },
      ...problems(401, 403),
      503: problem(503, "service_unavailable: the Analytics Engine SQL API did not answer (production)"),
    },
  }),
  async (c) => {
    const text = await scrapeMetrics(c.env, c.var.db);
    c.header("Cache-Control", "no-store");
    const res = c.text(text, 200);
    // c.text sets plain text/plain; Prometheus reads the exposition version from this header.
    res.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return res;
  },
);

adminRoutes.openapi(
  createRoute({
    method: "post",
    path: "/push/audience",
    operationId: "countPushAudience",
    tags: ["admin", "push"],
    summary: "How many devices a campaign target reaches now",
    description:
      "The same target as `POST /v1/push/campaigns` and the same query its fan-out runs: devices " +
      "with a live push token that match every criterion. Nothing is stored or sent.",
    ...asAdmin(),
    request: {
      body: {
        content: {
          "application/json": { schema: z.strictObject({ target: campaignBodySchema.shape.target }) },
        },
        required: true,
      },
    },
    responses: {
      200: {
        description: "The audience",
        content: { "application/json": { schema: z.object({ devices: z.number().int() }) } },
      },
      ...problems(400, 401, 403, 413, 415),
    },
  }),
  async (c) => {
    const devices = await countAudience(c.var.db, c.req.valid("json").target);
    c.header("Cache-Control", "no-store");
    return c.json({ devices }, 200);
  },
);
