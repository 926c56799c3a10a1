import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { DeliveryLog } from "./deliveries";
import { checkFcmMessage, INVALID_TOKEN_MESSAGE } from "./fcm-message";
import { createGoogleOAuthFake, type ServiceAccountCredentials } from "./google-oauth";
import { closeServer, guarded, header, listen, parseJsonObject, readBody, sendJson } from "./http-util";
import { ScriptBook, type ScriptedResponse } from "./scripts";

const SCOPES = [
  "https://www.googleapis.com/auth/firebase.messaging",
  "https://www.googleapis.com/auth/cloud-platform",
];

export interface FcmStats {
  tokenRequests: number;
  sends: number;
  accepted: number;
  rejected: number;
}

export interface FcmFake {
  apiBase: string;
  projectId: string;
  tokenUri: string;
  /** The service account JSON Outpost's FCM_SERVICE_ACCOUNT holds. */
  serviceAccount: string;
  scripts: ScriptBook;
  stats(): FcmStats;
  /** Makes every access token issued so far expired (to test re-fetching). */
  expireAccessTokens(): void;
  reset(): void;
  close(): Promise<void>;
}

// Google's HTTP status → canonical status for each FCM error code.
const FCM_ERRORS: Record<string, { http: number; status: string }> = {
  UNSPECIFIED_ERROR: { http: 500, status: "INTERNAL" },
  INVALID_ARGUMENT: { http: 400, status: "INVALID_ARGUMENT" },
  UNREGISTERED: { http: 404, status: "NOT_FOUND" },
  SENDER_ID_MISMATCH: { http: 403, status: "PERMISSION_DENIED" },
  QUOTA_EXCEEDED: { http: 429, status: "RESOURCE_EXHAUSTED" },
  UNAVAILABLE: { http: 503, status: "UNAVAILABLE" },
  INTERNAL: { http: 500, status: "INTERNAL" },
  THIRD_PARTY_AUTH_ERROR: { http: 401, status: "UNAUTHENTICATED" },
};
const CODE_BY_HTTP: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "THIRD_PARTY_AUTH_ERROR",
  403: "SENDER_ID_MISMATCH",
  404: "UNREGISTERED",
  429: "QUOTA_EXCEEDED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};
const DEFAULT_MESSAGES: Record<string, string> = {
  INVALID_ARGUMENT: INVALID_TOKEN_MESSAGE,
  UNREGISTERED: "Requested entity was not found.",
  SENDER_ID_MISMATCH: "SenderId mismatch",
  QUOTA_EXCEEDED: "Quota exceeded for quota metric 'Send requests'.",
  UNAVAILABLE: "The service is currently unavailable.",
  INTERNAL: "Internal error encountered.",
  THIRD_PARTY_AUTH_ERROR: "Auth error from APNS or Web Push Service",
};

/** Google's error envelope; `errorCode` adds the FcmError detail the real API sends. */
export function fcmErrorBody(http: number, status: string, message: string, errorCode?: string): unknown {
  return {
    error: {
      code: http,
      message,
      status,
      ...(errorCode
        ? { details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }] }
        : {}),
    },
  };
}

function scriptedAnswer(r: ScriptedResponse): {
  http: number;
  body: unknown;
  headers: Record<string, string>;
} {
  const errorCode = r.errorCode ?? CODE_BY_HTTP[r.status] ?? "UNSPECIFIED_ERROR";
  const known = FCM_ERRORS[errorCode];
  const http = r.status;
  const status =
    known && known.http === http ? known.status : (FCM_ERRORS[CODE_BY_HTTP[http] ?? ""]?.status ?? "UNKNOWN");
  const message = r.message ?? DEFAULT_MESSAGES[errorCode] ?? errorCode;
  const headers: Record<string, string> =
    r.retryAfter !== undefined ? { "retry-after": String(r.retryAfter) } : {};
  return { http, body: fcmErrorBody(http, status, message, errorCode), headers };
}

export type FcmCredentials = ServiceAccountCredentials;

/**
 * Fake FCM HTTP v1: the OAuth2 token endpoint (JWT-bearer grant from the service account) and
 * `messages:send`, both checking what they receive the way Google does.
 */
export async function startFcmFake(options: {
  host: string;
  port: number;
  log: DeliveryLog;
  /** Existing service-account material to accept instead of a fresh key (`npm run dev` restarts). */
  credentials?: FcmCredentials;
}): Promise<FcmFake> {
  let tokenUri = "";
  const oauth = await createGoogleOAuthFake({
    scopes: SCOPES,
    tokenUri: () => tokenUri,
    credentials: options.credentials,
    defaultProjectPrefix: "outpost-fake",
    defaultAccountName: "outpost-push",
  });
  const projectId = oauth.projectId;
  const scripts = new ScriptBook();
  let stats: Omit<FcmStats, "tokenRequests"> = { sends: 0, accepted: 0, rejected: 0 };

  async function send(req: IncomingMessage, res: ServerResponse, pathProject: string): Promise<void> {
    stats.sends++;
    const fail = (http: number, status: string, message: string, errorCode?: string, headers = {}) => {
      stats.rejected++;
      sendJson(res, http, fcmErrorBody(http, status, message, errorCode), headers);
    };
    if (!oauth.authorized(header(req, "authorization"))) {
      return fail(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      );
    }
    if (pathProject !== projectId) {
      return fail(
        403,
        "PERMISSION_DENIED",
        `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${pathProject}' (or it may not exist).`,
      );
    }
    const body = parseJsonObject(await readBody(req));
    if (!body) return fail(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    const extra = Object.keys(body).find(
      (k) => k !== "message" && k !== "validate_only" && k !== "validateOnly",
    );
    if (extra !== undefined) {
      return fail(
        400,
        "INVALID_ARGUMENT",
        `Invalid JSON payload received. Unknown name "${extra}": Cannot find field.`,
      );
    }
    const check = checkFcmMessage(body.message);
    if (!check.ok) return fail(400, "INVALID_ARGUMENT", check.message, "INVALID_ARGUMENT");
    const scripted = scripts.next(check.target);
    if (scripted && scripted.status >= 300) {
      const answer = scriptedAnswer(scripted);
      stats.rejected++;
      return sendJson(res, answer.http, answer.body, answer.headers);
    }
    stats.accepted++;
    const name = `projects/${projectId}/messages/${randomUUID()}`;
    if (body.validate_only !== true && body.validateOnly !== true) {
      options.log.add({
        provider: "fcm",
        token: check.target,
        headers: { "content-type": header(req, "content-type") ?? "" },
        payload: body,
        summary: check.summary,
      });
    }
    return sendJson(res, 200, { name });
  }

  const server = createServer(
    guarded(async (req, res) => {
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      const sendMatch = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path);
      if (path === "/token" || sendMatch) {
        if (req.method !== "POST")
          return sendJson(res, 405, fcmErrorBody(405, "METHOD_NOT_ALLOWED", "Use POST"));
        return path === "/token"
          ? oauth.handleToken(req, res)
          : send(req, res, decodeURIComponent(sendMatch?.[1] ?? ""));
      }
      return sendJson(res, 404, fcmErrorBody(404, "NOT_FOUND", `No such path: ${path}`));
    }),
  );
  const apiBase = await listen(server, options.host, options.port);
  tokenUri = `${apiBase}/token`;

  return {
    apiBase,
    projectId,
    tokenUri,
    serviceAccount: oauth.serviceAccountJson(tokenUri, apiBase),
    scripts,
    stats: () => ({ tokenRequests: oauth.tokenRequests(), ...stats }),
    expireAccessTokens: () => oauth.expireAll(),
    reset: () => {
      scripts.clear();
      oauth.resetStats();
      stats = { sends: 0, accepted: 0, rejected: 0 };
    },
    close: () => closeServer(server),
  };
}
