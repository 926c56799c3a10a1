import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { createGoogleOAuthFake, type ServiceAccountCredentials } from "./google-oauth";
import { closeServer, guarded, header, listen, sendJson } from "./http-util";
import type { IdTokenRequest, OidcFake } from "./oidc";
import type {
  FakePlayPurchase,
  PlayAcknowledgement,
  PlayPush,
  PushOverrides,
  PushTokenOptions,
} from "./play-types";
import {
  type NotificationBody,
  PlayPurchases,
  productResource,
  subscriptionResource,
} from "./play-purchases";

/**
 * Fake Google Play: the Play Developer API (its own OAuth token endpoint for the service account,
 * `subscriptionsv2.get`, `products.get`, both `:acknowledge`s, each checking the bearer it issued
 * and the package name), the purchases it answers about, and Pub/Sub's side of real-time
 * developer notifications: a push body plus a Google-signed OIDC bearer, minted by the fake
 * OIDC issuer (whose JWKS stands in for Google's), including the forgeries Outpost must refuse.
 */

const SCOPE = "https://www.googleapis.com/auth/androidpublisher";
const GOOGLE_ISSUER = "https://accounts.google.com";

export interface PlayDelivery {
  at: string;
  messageId: string;
  type: string;
  token: string | null;
  status: number | "unreachable";
}

export interface PlayFailure {
  status: number;
  /** How many API calls fail (default 1). */
  times?: number;
  /** Which calls: reads (get), acknowledgements, or both (default). */
  operation?: "get" | "acknowledge" | "any";
  /** Only calls about this purchase token (default: any), so parallel test files do not collide. */
  token?: string;
}

export interface PlayFake {
  apiBase: string;
  packageName: string;
  serviceAccount: string;
  pushAudience: string;
  pushServiceAccountEmail: string;
  jwksUri: string;
  purchases: PlayPurchases;
  /** The Pub/Sub push (body + bearer) for a notification; `overrides` change the envelope (tests). */
  buildPush(notification: NotificationBody, overrides?: PushOverrides): Promise<PlayPush>;
  mintPushToken(options?: PushTokenOptions): Promise<string>;
  /** Posts a push to the Worker's webhook (configured `webhookUrl`) and logs the answer. */
  deliver(push: PlayPush): Promise<PlayDelivery>;
  /** Where pushes go from now on (a Worker started after the fakes). */
  setWebhookUrl(url: string): void;
  deliveries(): PlayDelivery[];
  acknowledgements(token?: string): PlayAcknowledgement[];
  fail(failure: PlayFailure): void;
  stats(): { tokenRequests: number; apiCalls: number; failed: number };
  expireAccessTokens(): void;
  reset(): void;
  close(): Promise<void>;
}

function googleError(res: ServerResponse, code: number, status: string, message: string): void {
  sendJson(res, code, {
    error: { code, message, status, errors: [{ message, domain: "global", reason: status }] },
  });
}

export async function startPlayFake(options: {
  host: string;
  port: number;
  oidc: OidcFake;
  packageName?: string;
  /** Where pushes are delivered (`npm run dev`: the local Worker's /v1/webhooks/play). */
  webhookUrl?: string;
  credentials?: ServiceAccountCredentials;
  pushAudience?: string;
}): Promise<PlayFake> {
  const packageName = options.packageName ?? "com.example.outpost";
  let apiBase = "";
  const oauth = await createGoogleOAuthFake({
    scopes: [SCOPE],
    tokenUri: () => `${apiBase}/token`,
    credentials: options.credentials,
    defaultProjectPrefix: "outpost-play",
    defaultAccountName: "outpost-play",
  });
  const purchases = new PlayPurchases();
  const pushAudience = options.pushAudience ?? `outpost-play-push-${randomBytes(3).toString("hex")}`;
  const pushServiceAccountEmail = `play-push@${oauth.projectId}.iam.gserviceaccount.com`;
  let acks: PlayAcknowledgement[] = [];
  let delivered: PlayDelivery[] = [];
  let failures: (Required<Omit<PlayFailure, "token">> & { token?: string })[] = [];
  let stats = { apiCalls: 0, failed: 0 };
  let messageSeq = 0;
  let webhookUrl = options.webhookUrl;

  function injectedFailure(operation: "get" | "acknowledge", token: string | undefined): number | undefined {
    const failure = failures.find(
      (f) =>
        f.times > 0 &&
        (f.operation === "any" || f.operation === operation) &&
        (f.token === undefined || f.token === token),
    );
    if (!failure) return undefined;
    failure.times--;
    stats.failed++;
    return failure.status;
  }

  function api(req: IncomingMessage, res: ServerResponse, path: string): void {
    stats.apiCalls++;
    const m =
      /^\/androidpublisher\/v3\/applications\/([^/]+)\/purchases\/(subscriptionsv2|subscriptions|products)\/(?:([^/]+)\/)?tokens\/([^/:]+)(:acknowledge)?$/.exec(
        path,
      );
    if (!m) return googleError(res, 404, "NOT_FOUND", `No such path: ${path}`);
    const [, pkg, collection, itemId, token, ack] = m.map((v) =>
      v === undefined ? undefined : decodeURIComponent(v),
    );
    const operation = ack ? "acknowledge" : "get";
    const expectedMethod = ack ? "POST" : "GET";
    if (req.method !== expectedMethod)
      return googleError(res, 405, "METHOD_NOT_ALLOWED", `Use ${expectedMethod}`);
    if (
      (collection === "subscriptionsv2") !== (itemId === undefined) ||
      (collection === "subscriptions" && !ack)
    ) {
      return googleError(res, 404, "NOT_FOUND", `No such path: ${path}`);
    }
    if (!oauth.authorized(header(req, "authorization"))) {
      return googleError(res, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    if (pkg !== packageName) {
      return googleError(res, 403, "PERMISSION_DENIED", "The caller does not have permission");
    }
    const injected = injectedFailure(operation, token);
    if (injected !== undefined)
      return googleError(res, injected, "UNAVAILABLE", "The service is currently unavailable.");
    const p = token === undefined ? undefined : purchases.get(token);
    const kind = collection === "products" ? "product" : "subscription";
    if (!p || p.kind !== kind || (itemId !== undefined && itemId !== p.productId)) {
      return googleError(res, 404, "NOT_FOUND", "The purchase token was not found.");
    }
    if (ack) {
      p.acknowledged = true;
      acks.push({ kind, token: p.token, productId: p.productId, at: new Date().toISOString() });
      res.writeHead(204).end();
      return;
    }
    return sendJson(res, 200, kind === "product" ? productResource(p) : subscriptionResource(p));
  }

  const server = createServer(
    guarded(async (req, res) => {
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      if (path === "/token") {
        if (req.method !== "POST") return googleError(res, 405, "METHOD_NOT_ALLOWED", "Use POST");
        return oauth.handleToken(req, res);
      }
      if (path.startsWith("/androidpublisher/")) return api(req, res, path);
      return googleError(res, 404, "NOT_FOUND", `No such path: ${path}`);
    }),
  );
  apiBase = await listen(server, options.host, options.port);

  function mintPushToken(o: PushTokenOptions = {}): Promise<string> {
    const request: IdTokenRequest = {
      // Pub/Sub's subject is the service account's unique id.
      sub: "112233445566778899000",
      aud: o.aud ?? pushAudience,
      iss: o.iss ?? GOOGLE_ISSUER,
      email: o.email ?? pushServiceAccountEmail,
      emailVerified: o.emailVerified ?? true,
      expiresIn: o.expiresIn ?? 3600,
      alg: o.alg ?? "RS256",
      signWith: o.signWith ?? "known",
    };
    return options.oidc.mintIdToken(request);
  }

  async function buildPush(notification: NotificationBody, overrides: PushOverrides = {}): Promise<PlayPush> {
    const messageId = overrides.messageId ?? `${Date.now()}${String(++messageSeq).padStart(4, "0")}`;
    const data = {
      version: "1.0",
      packageName: overrides.packageName ?? packageName,
      eventTimeMillis: String(overrides.eventTimeMillis ?? Date.now()),
      ...notification,
    };
    const kind = Object.keys(notification)[0] ?? "unknown";
    const inner = notification[kind] as { notificationType?: number } | undefined;
    return {
      messageId,
      type: inner?.notificationType !== undefined ? `${kind}:${inner.notificationType}` : kind,
      body: {
        message: {
          attributes: {},
          data: Buffer.from(JSON.stringify(data)).toString("base64"),
          messageId,
          message_id: messageId,
          publishTime: new Date().toISOString(),
          publish_time: new Date().toISOString(),
        },
        subscription: `projects/${oauth.projectId}/subscriptions/play-rtdn-push`,
      },
      authorization: `Bearer ${await mintPushToken(overrides.token)}`,
    };
  }

  async function deliver(push: PlayPush): Promise<PlayDelivery> {
    const inner = JSON.parse(
      Buffer.from(String(push.body.message.data), "base64").toString("utf8"),
    ) as Record<string, { purchaseToken?: string } | undefined>;
    const token =
      inner.subscriptionNotification?.purchaseToken ??
      inner.oneTimeProductNotification?.purchaseToken ??
      inner.voidedPurchaseNotification?.purchaseToken ??
      null;
    let status: PlayDelivery["status"] = "unreachable";
    if (webhookUrl) {
      try {
        const res = await fetch(webhookUrl, {
          method: "POST",
          headers: { authorization: push.authorization, "content-type": "application/json" },
          body: JSON.stringify(push.body),
          signal: AbortSignal.timeout(15_000),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = "unreachable";
      }
    }
    const entry = { at: new Date().toISOString(), messageId: push.messageId, type: push.type, token, status };
    delivered = [entry, ...delivered].slice(0, 200);
    return entry;
  }

  return {
    apiBase,
    packageName,
    serviceAccount: oauth.serviceAccountJson(`${apiBase}/token`, apiBase),
    pushAudience,
    pushServiceAccountEmail,
    jwksUri: options.oidc.jwksUri,
    purchases,
    buildPush,
    mintPushToken,
    deliver,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    deliveries: () => [...delivered],
    acknowledgements: (token) => acks.filter((a) => token === undefined || a.token === token),
    fail(f) {
      failures = failures.filter((old) => old.times > 0 && old.token !== f.token);
      failures.push({
        status: f.status,
        times: f.times ?? 1,
        operation: f.operation ?? "any",
        token: f.token,
      });
    },
    stats: () => ({ tokenRequests: oauth.tokenRequests(), ...stats }),
    expireAccessTokens: () => oauth.expireAll(),
    reset() {
      purchases.clear();
      acks = [];
      delivered = [];
      failures = [];
      stats = { apiCalls: 0, failed: 0 };
      oauth.resetStats();
    },
    close: () => closeServer(server),
  };
}

export type { FakePlayPurchase, PlayAcknowledgement, PlayPush, PushTokenOptions };
