import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { ApnsFake } from "./apns";
import type { AppStoreFake } from "./app-store";
import type { DeliveryLog, Provider } from "./deliveries";
import type { FcmFake } from "./fcm";
import { closeServer, guarded, listen, parseJsonObject, readBody, sendJson, sendText } from "./http-util";
import type { IdTokenAlg, IdTokenRequest, OidcFake } from "./oidc";
import { renderFragment, renderPage } from "./page";
import type { PlayFake } from "./play";
import { handlePlayControl } from "./play-control";
import { renderPlayControls, renderPlayFragment } from "./play-page";
import { parseScript } from "./scripts";

export interface ControlDeps {
  oidc: OidcFake;
  fcm: FcmFake;
  apns: ApnsFake;
  appStore: AppStoreFake;
  log: DeliveryLog;
  /** Where the QA page's store buttons send notifications by default (the worker's webhook). */
  storeWebhookUrl?: string;
  play: PlayFake;
}

const ALGS: readonly IdTokenAlg[] = ["RS256", "ES256", "HS256", "none"];

function parseIdTokenRequest(body: Record<string, unknown>): IdTokenRequest | string {
  const { sub, aud, iss, nonce, email, expiresIn, iat, alg, signWith } = body;
  if (typeof sub !== "string" || sub === "") return "sub (non-empty string) is required";
  const audOk =
    aud === undefined ||
    typeof aud === "string" ||
    (Array.isArray(aud) && aud.every((a): a is string => typeof a === "string"));
  if (!audOk) return "aud must be a string or an array of strings";
  for (const [key, value] of Object.entries({ iss, nonce, email })) {
    if (value !== undefined && typeof value !== "string") return `${key} must be a string`;
  }
  for (const [key, value] of Object.entries({ expiresIn, iat })) {
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value))) {
      return `${key} must be a number`;
    }
  }
  if (alg !== undefined && !ALGS.includes(alg as IdTokenAlg)) return `alg must be one of ${ALGS.join(", ")}`;
  if (signWith !== undefined && signWith !== "known" && signWith !== "unknown-key") {
    return 'signWith must be "known" or "unknown-key"';
  }
  return body as unknown as IdTokenRequest;
}

/**
 * The control API tests and QA use to drive the fakes: mint ID tokens, script provider answers
 * per device token, read what arrived, and the QA page listing every push received.
 */
export async function startControlServer(
  deps: ControlDeps,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const stats = () => ({ fcm: deps.fcm.stats(), apns: deps.apns.stats() });
  const sections = () => [renderPlayFragment(deps.play)];

  async function jsonBody(req: IncomingMessage, res: ServerResponse) {
    const body = parseJsonObject(await readBody(req));
    if (!body) sendJson(res, 400, { error: "expected a JSON object body" });
    return body;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const route = `${req.method ?? "GET"} ${url.pathname}`;
    switch (route) {
      case "GET /": {
        const nonce = randomBytes(16).toString("base64");
        res.setHeader(
          "content-security-policy",
          `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'`,
        );
        return sendText(
          res,
          200,
          renderPage(
            renderFragment(deps.log.list(), stats(), deps.appStore.sent, sections()),
            nonce,
            deps.storeWebhookUrl,
            renderPlayControls(deps.play),
          ),
          "text/html; charset=utf-8",
        );
      }
      case "GET /page/fragment":
        return sendText(
          res,
          200,
          renderFragment(deps.log.list(), stats(), deps.appStore.sent, sections()),
          "text/html; charset=utf-8",
        );
      case "POST /oidc/id-token": {
        const body = await jsonBody(req, res);
        if (!body) return;
        const parsed = parseIdTokenRequest(body);
        if (typeof parsed === "string") return sendJson(res, 400, { error: parsed });
        return sendJson(res, 200, { idToken: await deps.oidc.mintIdToken(parsed) });
      }
      case "POST /fcm/script":
      case "POST /apns/script": {
        const body = await jsonBody(req, res);
        if (!body) return;
        const isFcm = route === "POST /fcm/script";
        const script = parseScript(body, isFcm ? "errorCode" : "reason");
        if (typeof script === "string") return sendJson(res, 400, { error: script });
        (isFcm ? deps.fcm : deps.apns).scripts.set(script);
        return sendJson(res, 200, { ok: true, token: script.token, queued: script.responses.length });
      }
      case "POST /fcm/expire-tokens":
        deps.fcm.expireAccessTokens();
        return sendJson(res, 200, { ok: true });
      case "POST /apns/token-update-rule": {
        const body = await jsonBody(req, res);
        if (!body) return;
        if (typeof body.enabled !== "boolean")
          return sendJson(res, 400, { error: "enabled must be a boolean" });
        deps.apns.setTokenUpdateRule(body.enabled);
        return sendJson(res, 200, { enabled: deps.apns.tokenUpdateRuleEnabled() });
      }
      case "GET /deliveries": {
        const provider = url.searchParams.get("provider");
        if (provider !== null && provider !== "fcm" && provider !== "apns") {
          return sendJson(res, 400, { error: 'provider must be "fcm" or "apns"' });
        }
        const sinceParam = url.searchParams.get("since");
        const since = sinceParam === null ? 0 : Number(sinceParam);
        if (!Number.isInteger(since) || since < 0)
          return sendJson(res, 400, { error: "since must be a sequence number" });
        const token = url.searchParams.get("token");
        return sendJson(
          res,
          200,
          deps.log.list({
            provider: (provider ?? undefined) as Provider | undefined,
            token: token ?? undefined,
            since,
          }),
          { "x-latest-seq": String(deps.log.latestSeq) },
        );
      }
      case "GET /stats":
        return sendJson(res, 200, { ...stats(), latestSeq: deps.log.latestSeq });
      case "POST /reset":
        deps.fcm.reset();
        deps.apns.reset();
        deps.log.clear();
        deps.play.reset();
        return sendJson(res, 200, { ok: true });
      default:
        if (route.startsWith("POST /app-store/") || route === "GET /app-store/sent") {
          const body = req.method === "POST" ? parseJsonObject(await readBody(req)) : undefined;
          if (await deps.appStore.control(route, body, res)) return;
        }
        if (await handlePlayControl(deps.play, req, res, url)) return;
        return sendJson(res, 404, { error: `no such control route: ${route}` });
    }
  }

  const server = createServer(guarded(handle));
  const url = await listen(server, host, port);
  return { url, close: () => closeServer(server) };
}
