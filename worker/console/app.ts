import { type Context, Hono } from "hono";
import { audit, consoleActor } from "../audit/record";
import type { AppEnv } from "../env";
import { networkOf } from "../limits/edge";
import { takeFromBucket } from "../limits/limiter-client";
import { bucketPolicy } from "../limits/settings";
import { ASSETS, prepareAssets } from "./assets";
import { healthPage } from "./health";
import { constantTimeEqual, csrfMatches, FormFields, sameOrigin } from "./guard";
import { auditPage, revokeAllAction } from "./pages/audit";
import {
  audienceAction,
  campaignPage,
  campaignsPage,
  campaignStatsJson,
  cancelCampaignAction,
  createCampaignAction,
} from "./pages/campaigns";
import { configPage, revisionPage, rollbackAction, saveConfigAction } from "./pages/config";
import { notFoundPage, refusedPage } from "./pages/errors";
import { signInPage } from "./pages/sign-in";
import { spacePage, spacesPage } from "./pages/spaces";
import { revokeUserSessionAction, userPage, usersPage } from "./pages/users";
import type { ConsoleSession } from "./queries/sessions";
import { bindServices, type ConsoleServices } from "./services";
import { seeOther, withConsoleHeaders } from "./respond";
import { currentConsoleSession, endConsoleSession, startConsoleSession } from "./session";

/**
 * The console: the entry of its own ES module (worker/console-chunk.js, built by
 * scripts/console-chunk.ts), loaded on the first console request by worker/console-loader.ts, so
 * API requests never load it. Stateful services come from the main module (`ConsoleServices`). A small Hono router matches the path; every handler works on
 * the API pipeline's own context (`parent`: its D1 session, env, request id), so the console
 * reads and writes through the same domain functions and queries as the API.
 */

type Params = Record<string, string>;
type View = (c: Context<AppEnv>, session: ConsoleSession, params: Params) => Promise<Response>;
type Action = (
  c: Context<AppEnv>,
  session: ConsoleSession,
  form: FormFields,
  params: Params,
) => Promise<Response>;
/** The router's only binding is the API pipeline's context of the request. */
type ConsoleEnv = { Bindings: { parent: Context<AppEnv> } };

const router = new Hono<ConsoleEnv>();

/** A page that needs a signed-in console session; without one, the sign-in form. */
function view(handler: View) {
  return async (cc: Context<ConsoleEnv>) => {
    const c = cc.env.parent;
    const session = await currentConsoleSession(c, Date.now());
    if (!session) return seeOther(c, "/console");
    return handler(c, session, cc.req.param() as Params);
  };
}

/**
 * A state-changing request: same origin, a live session and its CSRF token, checked in that
 * order before the body is looked at further. Any failure changes nothing.
 */
function action(handler: Action) {
  return async (cc: Context<ConsoleEnv>) => {
    const c = cc.env.parent;
    if (!sameOrigin(c)) return refusedPage(c, 403, "This request did not come from the console's own pages.");
    const session = await currentConsoleSession(c, Date.now());
    if (!session) return refusedPage(c, 401, "Your console session has ended; sign in again.");
    const form = await FormFields.from(c);
    if (!(await csrfMatches(c, form, session.csrfToken))) {
      return refusedPage(
        c,
        403,
        "The form's security token is missing or stale; reload the page and try again.",
      );
    }
    return handler(c, session, form, cc.req.param() as Params);
  };
}

function asset(asset: (typeof ASSETS)["js"]) {
  return (cc: Context<ConsoleEnv>) => {
    const res = cc.env.parent.body(asset.body, 200, {
      "Content-Type": asset.type,
      // The URL names the content's hash: a year is safe, a new release is a new URL.
      "Cache-Control": "public, max-age=31536000, immutable",
    });
    return res;
  };
}

router.get("/console/app.js", asset(ASSETS.js));
router.get("/console/app.css", asset(ASSETS.css));

router.get("/console", async (cc) => {
  const c = cc.env.parent;
  if (await currentConsoleSession(c, Date.now())) return seeOther(c, "/console/campaigns");
  return signInPage(c);
});

router.post("/console/login", async (cc) => {
  const c = cc.env.parent;
  // Login CSRF: a foreign page must not sign this browser into a session of its choosing.
  if (!sameOrigin(c)) return refusedPage(c, 403, "This request did not come from the console's own pages.");
  const ip = c.req.header("CF-Connecting-IP");
  try {
    const result = await takeFromBucket(
      c.env,
      "console_login",
      `ip:${ip ? networkOf(ip) : "unknown"}`,
      bucketPolicy(c.env, "console_login"),
    );
    if (!result.allowed) {
      c.header("Retry-After", String(result.retryAfterSeconds));
      return signInPage(c, `Too many sign-in attempts; try again in ${result.retryAfterSeconds} s.`, 429);
    }
  } catch (error) {
    // Unlike the app's sign-in, a limiter that cannot be reached closes the door: the console
    // can wait, and an attacker must not be able to disable the limit by overloading it.
    console.error(
      JSON.stringify({ level: "error", message: "console login limiter unavailable", error: String(error) }),
    );
    return signInPage(c, "Sign-in is unavailable for a moment; try again.", 429);
  }
  const form = await FormFields.from(c);
  const key = form.get("key") ?? "";
  const configured = c.env.ADMIN_API_KEY;
  if (!configured || !key || !(await constantTimeEqual(key, configured))) {
    return signInPage(c, "That key is not valid.", 401);
  }
  const session = await startConsoleSession(c, Date.now());
  await audit(c.var.db, consoleActor(session), "console.signed_in", null, { ip: ip ?? null });
  return seeOther(c, "/console/campaigns");
});

router.post(
  "/console/logout",
  action(async (c, session) => {
    await endConsoleSession(c, session, Date.now());
    await audit(c.var.db, consoleActor(session.idHash), "console.signed_out", null);
    return seeOther(c, "/console");
  }),
);
router.post("/console/sessions/revoke-all", action(revokeAllAction));

router.get("/console/campaigns", view(campaignsPage));
router.post("/console/campaigns", action(createCampaignAction));
router.post("/console/audience", action(audienceAction));
router.get("/console/campaigns/:id", view(campaignPage));
router.get("/console/campaigns/:id/stats", view(campaignStatsJson));
router.post("/console/campaigns/:id/cancel", action(cancelCampaignAction));

router.get("/console/config", view(configPage));
router.post("/console/config", action(saveConfigAction));
router.get("/console/config/revisions/:revision", view(revisionPage));
router.post("/console/config/revisions/:revision/rollback", action(rollbackAction));

router.get("/console/users", view(usersPage));
router.get("/console/users/:id", view(userPage));
router.post("/console/users/:id/sessions/:sessionId/revoke", action(revokeUserSessionAction));

router.get("/console/spaces", view(spacesPage));
router.get("/console/spaces/:id", view(spacePage));

router.get("/console/audit", view(auditPage));
router.get(
  "/console/health",
  view((c, s) => healthPage(c, s.csrfToken)),
);

router.notFound((cc) => notFoundPage(cc.env.parent, "There is no such console page."));

/**
 * Serves one console request within the API pipeline (see worker/app.ts). `services` are the main
 * module's stateful functions (see worker/console/services.ts for why they are not imported here).
 */
export async function handleConsole(c: Context<AppEnv>, services: ConsoleServices): Promise<Response> {
  bindServices(c, services);
  // Operators act on what they just saw: every console read goes to the primary.
  c.var.d1.usePrimary();
  await prepareAssets();
  const res = await router.fetch(c.req.raw, { parent: c }, c.executionCtx);
  return withConsoleHeaders(res);
}
