import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createPublicKey, type KeyObject, randomBytes, randomUUID } from "node:crypto";
import { compactVerify, exportPKCS8, generateKeyPair, type CryptoKey } from "jose";
import type { DeliveryLog } from "./deliveries";
import { checkFcmMessage, INVALID_TOKEN_MESSAGE } from "./fcm-message";
import {
  closeServer,
  guarded,
  header,
  isRecord,
  listen,
  parseJsonObject,
  readBody,
  sendJson,
} from "./http-util";
import { ScriptBook, type ScriptedResponse } from "./scripts";

const SCOPES = [
  "https://www.googleapis.com/auth/firebase.messaging",
  "https://www.googleapis.com/auth/cloud-platform",
];
const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ACCESS_TOKEN_SECONDS = 3599;
const MAX_ASSERTION_SECONDS = 3600;
/** Google tolerates a little clock skew on `iat`. */
const CLOCK_SKEW_SECONDS = 60;

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

async function parseForm(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if ((header(req, "content-type") ?? "").includes("application/json")) return parseJsonObject(raw) ?? {};
  return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
}

export interface FcmCredentials {
  privateKeyPem: string;
  projectId: string;
  clientEmail: string;
}

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
  let publicKey: CryptoKey | KeyObject;
  let privatePem: string;
  if (options.credentials) {
    privatePem = options.credentials.privateKeyPem;
    publicKey = createPublicKey(privatePem);
  } else {
    const pair = await generateKeyPair("RS256", { extractable: true });
    publicKey = pair.publicKey;
    privatePem = await exportPKCS8(pair.privateKey);
  }
  const projectId = options.credentials?.projectId ?? `outpost-fake-${randomBytes(3).toString("hex")}`;
  const clientEmail = options.credentials?.clientEmail ?? `outpost-push@${projectId}.iam.gserviceaccount.com`;
  const scripts = new ScriptBook();
  const issued = new Map<string, number>(); // access token → expiry (ms)
  let stats: FcmStats = { tokenRequests: 0, sends: 0, accepted: 0, rejected: 0 };
  let tokenUri = "";

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.tokenRequests++;
    const form = await parseForm(req);
    const grant = (error: string, description: string) =>
      sendJson(res, 400, { error, error_description: description });
    if (form.grant_type !== GRANT_TYPE) {
      return grant("unsupported_grant_type", `Invalid grant_type: ${String(form.grant_type ?? "")}`);
    }
    if (typeof form.assertion !== "string" || form.assertion === "") {
      return grant("invalid_request", "Missing required parameter: assertion");
    }
    let claims: Record<string, unknown>;
    try {
      const verified = await compactVerify(form.assertion, publicKey as CryptoKey, { algorithms: ["RS256"] });
      const parsed: unknown = JSON.parse(new TextDecoder().decode(verified.payload));
      if (!isRecord(parsed)) return grant("invalid_grant", "Invalid JWT: claims are not an object.");
      claims = parsed;
    } catch {
      return grant("invalid_grant", "Invalid JWT Signature.");
    }
    if (claims.iss !== clientEmail) return grant("invalid_grant", "Invalid grant: account not found");
    if (claims.aud !== tokenUri) {
      return grant("invalid_grant", `Invalid JWT: Failed audience check. The right audience is ${tokenUri}`);
    }
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (
      typeof iat !== "number" ||
      typeof exp !== "number" ||
      exp <= now ||
      iat > now + CLOCK_SKEW_SECONDS ||
      exp - iat > MAX_ASSERTION_SECONDS ||
      exp <= iat
    ) {
      return grant(
        "invalid_grant",
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.",
      );
    }
    const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
    if (!scopes.some((s) => SCOPES.includes(s))) {
      return grant("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString("base64url")}`;
    issued.set(accessToken, Date.now() + ACCESS_TOKEN_SECONDS * 1000);
    return sendJson(res, 200, {
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_SECONDS,
      token_type: "Bearer",
    });
  }

  async function send(req: IncomingMessage, res: ServerResponse, pathProject: string): Promise<void> {
    stats.sends++;
    const fail = (http: number, status: string, message: string, errorCode?: string, headers = {}) => {
      stats.rejected++;
      sendJson(res, http, fcmErrorBody(http, status, message, errorCode), headers);
    };
    const auth = /^Bearer\s+(\S+)$/i.exec(header(req, "authorization") ?? "");
    const expiry = auth?.[1] ? issued.get(auth[1]) : undefined;
    if (expiry === undefined || expiry <= Date.now()) {
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
        return path === "/token" ? token(req, res) : send(req, res, decodeURIComponent(sendMatch?.[1] ?? ""));
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
    serviceAccount: JSON.stringify({
      type: "service_account",
      project_id: projectId,
      private_key_id: randomBytes(20).toString("hex"),
      private_key: privatePem,
      client_email: clientEmail,
      client_id: String(100000000000000000000n + BigInt(randomBytes(6).readUIntBE(0, 6))),
      auth_uri: `${apiBase}/auth`,
      token_uri: tokenUri,
    }),
    scripts,
    stats: () => ({ ...stats }),
    expireAccessTokens: () => {
      for (const key of issued.keys()) issued.set(key, 0);
    },
    reset: () => {
      scripts.clear();
      stats = { tokenRequests: 0, sends: 0, accepted: 0, rejected: 0 };
    },
    close: () => closeServer(server),
  };
}
