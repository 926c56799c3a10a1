import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type KeyObject, createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { exportPKCS8, generateKeyPair, jwtVerify } from "jose";
import { FORGERIES, type Forgery, createTestChain, signAppStoreJws } from "./app-store-ca";
import { ACTIONS, type Action, AppStoreState, type Chain, type MessageOverrides } from "./app-store-state";
import { closeServer, guarded, header, isRecord, listen, sendJson } from "./http-util";

/**
 * Fake App Store: the test CA that signs transactions and notifications, the purchases it has
 * sold, and a fake App Store Server API (`APPSTORE_API_BASE`) answering the subscription-status
 * and transaction lookups — with the bearer checked like Apple does (ES256 from the in-app
 * purchase key: kid, iss, aud "appstoreconnect-v1", bid, at most an hour). The control API
 * (`/app-store/*` on the control server) sells, moves purchases through their lifecycle and
 * delivers notifications to a webhook URL; what it sent is kept for the QA page.
 */
export interface AppStoreFake {
  apiBase: string;
  bundleId: string;
  appAppleId: number;
  environment: string;
  /** PEM of the test root: APPSTORE_ROOT_CERTS. */
  rootPem: string;
  /** The test root's private key (PKCS#8 PEM), so a restarted `npm run dev` keeps its root. */
  rootKeyPem: string;
  keyP8: string;
  keyId: string;
  issuerId: string;
  state: AppStoreState;
  /** Every notification delivered through the control API, newest first (QA page). */
  sent: SentNotification[];
  stats(): { apiCalls: number; apiRejected: number };
  /** Handles `/app-store/*` control routes; false when the route is not one of them. */
  control(route: string, body: Record<string, unknown> | undefined, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

export interface SentNotification {
  at: string;
  userId: string | null;
  action: string;
  type: string;
  subtype: string | null;
  productId: string | null;
  notificationUUID: string;
  webhookUrl: string;
  status: number | null;
  response: string;
}

export interface AppStoreCredentials {
  rootCertPem: string;
  rootKeyPem: string;
  keyP8: string;
  keyId: string;
  issuerId: string;
}

export async function startAppStoreFake(options: {
  host: string;
  port: number;
  credentials?: Partial<AppStoreCredentials>;
  bundleId?: string;
}): Promise<AppStoreFake> {
  const c = options.credentials ?? {};
  const chain = createTestChain(
    c.rootCertPem && c.rootKeyPem ? { certPem: c.rootCertPem, keyPem: c.rootKeyPem } : undefined,
  );
  const rootKeyPem = c.rootKeyPem ?? chain.root.key.export({ type: "pkcs8", format: "pem" }).toString();
  let keyP8: string;
  let publicKey: KeyObject;
  if (c.keyP8) {
    keyP8 = c.keyP8;
    publicKey = createPublicKey(createPrivateKey(keyP8));
  } else {
    const pair = await generateKeyPair("ES256", { extractable: true });
    keyP8 = await exportPKCS8(pair.privateKey);
    publicKey = createPublicKey(keyP8);
  }
  const keyId = c.keyId ?? randomBytes(5).toString("hex").toUpperCase();
  const issuerId = c.issuerId ?? crypto.randomUUID();
  const bundleId = options.bundleId ?? "com.example.outpost";
  const appAppleId = 1_234_567_890;
  const environment = "Production";
  const state = new AppStoreState({ chain, bundleId, appAppleId, environment });
  const sent: SentNotification[] = [];
  let apiCalls = 0;
  let apiRejected = 0;

  async function checkBearer(req: IncomingMessage): Promise<string | null> {
    const auth = header(req, "authorization") ?? "";
    if (!auth.startsWith("Bearer ")) return "missing bearer";
    try {
      const { payload, protectedHeader } = await jwtVerify(auth.slice(7), publicKey, {
        algorithms: ["ES256"],
        issuer: issuerId,
        audience: "appstoreconnect-v1",
      });
      if (protectedHeader.kid !== keyId) return "wrong kid";
      if (payload.bid !== bundleId) return "wrong bid";
      if (
        typeof payload.iat !== "number" ||
        typeof payload.exp !== "number" ||
        payload.exp - payload.iat > 3600
      )
        return "token lifetime over an hour";
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : "invalid token";
    }
  }

  const findChain = (transactionId: string): Chain | undefined =>
    [...state.chains.values()].find(
      (ch) => ch.originalTransactionId === transactionId || ch.transactionId === transactionId,
    );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const sub = /^\/inApps\/v1\/subscriptions\/([^/]+)$/.exec(url.pathname);
    const tx = /^\/inApps\/v1\/transactions\/([^/]+)$/.exec(url.pathname);
    if (req.method !== "GET" || (!sub && !tx))
      return sendJson(res, 404, { errorCode: 4040000, errorMessage: "Not found" });
    apiCalls++;
    const problem = await checkBearer(req);
    if (problem) {
      apiRejected++;
      return sendJson(res, 401, { errorCode: 4010000, errorMessage: problem });
    }
    const chainFound = findChain(decodeURIComponent((sub ?? tx)![1]!));
    if (!chainFound)
      return sendJson(res, 404, { errorCode: 4040010, errorMessage: "Transaction id not found." });
    if (tx) return sendJson(res, 200, { signedTransactionInfo: state.signedTransaction(chainFound) });
    return sendJson(res, 200, {
      environment,
      bundleId,
      appAppleId,
      data: [
        {
          subscriptionGroupIdentifier: "20000001",
          lastTransactions: [
            {
              originalTransactionId: chainFound.originalTransactionId,
              status: chainFound.revocationDate ? 5 : chainFound.isInBillingRetryPeriod ? 3 : 1,
              signedTransactionInfo: state.signedTransaction(chainFound),
              signedRenewalInfo: signAppStoreJws(chain, state.renewalPayload(chainFound)),
            },
          ],
        },
      ],
    });
  }

  function overridesFrom(body: Record<string, unknown>): MessageOverrides | string {
    const o: MessageOverrides = {};
    if (body.forgery !== undefined) {
      if (!FORGERIES.includes(body.forgery as Forgery))
        return `forgery must be one of ${FORGERIES.join(", ")}`;
      o.forgery = body.forgery as Forgery;
    }
    for (const k of ["bundleId", "environment", "notificationUUID"] as const) {
      if (body[k] !== undefined) {
        if (typeof body[k] !== "string") return `${k} must be a string`;
        o[k] = body[k];
      }
    }
    for (const k of ["appAppleId", "signedDate"] as const) {
      if (body[k] !== undefined) {
        if (typeof body[k] !== "number") return `${k} must be a number`;
        o[k] = body[k];
      }
    }
    return o;
  }

  async function deliver(
    webhookUrl: string,
    signedPayload: string,
  ): Promise<{ status: number | null; response: string }> {
    try {
      const r = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ signedPayload }),
        signal: AbortSignal.timeout(15_000),
      });
      return { status: r.status, response: (await r.text()).slice(0, 500) };
    } catch (error) {
      return { status: null, response: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Control routes:
   * - POST /app-store/purchase {userId|null, productId, lifetime?, familyShared?} → the app's signedTransaction;
   * - POST /app-store/action {originalTransactionId | userId, action, productId?, webhookUrl?, ...overrides}
   *   → moves the purchase (action "purchase" needs userId+productId) and returns the notification
   *   (delivered to webhookUrl when given, with the webhook's status);
   * - POST /app-store/transaction {originalTransactionId, ...overrides} → the current signedTransaction;
   * - POST /app-store/notification {originalTransactionId?, type, subtype?, ...overrides} → a notification as is;
   * - POST /app-store/sign {payload, forgery?} → any payload signed by the test CA.
   */
  /** POSTs the notification to `body.webhookUrl` (when given) and lists it for the QA page. */
  async function deliverAndRecord(
    body: Record<string, unknown>,
    ch: Chain | null,
    action: string,
    kind: { type: string; subtype: string | null },
    note: { signedPayload: string; notificationUUID: string },
  ): Promise<{ status: number | null; response: string }> {
    const webhookUrl = typeof body.webhookUrl === "string" ? body.webhookUrl : "";
    if (!webhookUrl) return { status: null, response: "" };
    const delivered = await deliver(webhookUrl, note.signedPayload);
    sent.unshift({
      at: new Date().toISOString(),
      userId: ch?.appAccountToken ?? null,
      action,
      type: kind.type,
      subtype: kind.subtype,
      productId: ch?.productId ?? null,
      notificationUUID: note.notificationUUID,
      webhookUrl,
      ...delivered,
    });
    sent.splice(200);
    return delivered;
  }

  const reply = (res: ServerResponse, status: number, body: unknown): true => {
    sendJson(res, status, body);
    return true;
  };

  async function control(
    route: string,
    body: Record<string, unknown> | undefined,
    res: ServerResponse,
  ): Promise<boolean> {
    if (!route.startsWith("POST /app-store/") && route !== "GET /app-store/sent") return false;
    if (route === "GET /app-store/sent") {
      sendJson(res, 200, sent);
      return true;
    }
    if (!body) {
      sendJson(res, 400, { error: "expected a JSON object body" });
      return true;
    }
    const overrides = overridesFrom(body);
    if (typeof overrides === "string") {
      sendJson(res, 400, { error: overrides });
      return true;
    }
    const userId = body.userId === null || body.userId === undefined ? null : String(body.userId);
    const productId =
      typeof body.productId === "string" && body.productId !== "" ? body.productId : undefined;
    switch (route) {
      case "POST /app-store/purchase": {
        if (!productId) return reply(res, 400, { error: "productId is required" });
        const ch = state.purchase({
          userId,
          productId,
          lifetime: body.lifetime === true,
          familyShared: body.familyShared === true,
        });
        sendJson(res, 200, {
          originalTransactionId: ch.originalTransactionId,
          transactionId: ch.transactionId,
          signedTransaction: state.signedTransaction(ch, overrides),
        });
        return true;
      }
      case "POST /app-store/transaction": {
        const ch = findChain(String(body.originalTransactionId ?? ""));
        if (!ch) return reply(res, 404, { error: "no such purchase" });
        sendJson(res, 200, {
          transactionId: ch.transactionId,
          signedTransaction: state.signedTransaction(ch, overrides),
        });
        return true;
      }
      case "POST /app-store/sign": {
        if (!isRecord(body.payload)) return reply(res, 400, { error: "payload must be an object" });
        sendJson(res, 200, { jws: signAppStoreJws(chain, body.payload, overrides.forgery) });
        return true;
      }
      case "POST /app-store/notification": {
        if (typeof body.type !== "string") return reply(res, 400, { error: "type is required" });
        const ch =
          body.originalTransactionId === undefined ? null : findChain(String(body.originalTransactionId));
        if (ch === undefined) return reply(res, 404, { error: "no such purchase" });
        const subtype = typeof body.subtype === "string" ? body.subtype : null;
        const note = state.notification(ch, body.type, subtype, overrides);
        const delivered = await deliverAndRecord(body, ch, "notify", { type: body.type, subtype }, note);
        sendJson(res, 200, { ...note, delivered });
        return true;
      }
      case "POST /app-store/action": {
        const action = body.action as Action;
        if (!ACTIONS.includes(action))
          return reply(res, 400, { error: `action must be one of ${ACTIONS.join(", ")}` });
        let ch: Chain | undefined;
        let kind: { type: string; subtype: string | null };
        if (action === "purchase") {
          if (!productId) return reply(res, 400, { error: "productId is required" });
          ch = state.purchase({
            userId,
            productId,
            lifetime: body.lifetime === true,
            familyShared: body.familyShared === true,
          });
          kind =
            ch.type === "Non-Consumable"
              ? { type: "ONE_TIME_CHARGE", subtype: null }
              : { type: "SUBSCRIBED", subtype: "INITIAL_BUY" };
        } else {
          ch =
            body.originalTransactionId !== undefined
              ? findChain(String(body.originalTransactionId))
              : userId
                ? state.latestFor(userId)
                : undefined;
          if (!ch) return reply(res, 404, { error: "no such purchase (buy one first)" });
          kind = state.apply(ch, action, { productId });
        }
        const note = state.notification(ch, kind.type, kind.subtype, overrides);
        const delivered = await deliverAndRecord(body, ch, action, kind, note);
        sendJson(res, 200, {
          ...note,
          ...kind,
          originalTransactionId: ch.originalTransactionId,
          transactionId: ch.transactionId,
          signedTransaction: state.signedTransaction(ch),
          delivered,
        });
        return true;
      }
      default:
        sendJson(res, 404, { error: `no such control route: ${route}` });
        return true;
    }
  }

  const server = createServer(guarded(handle));
  const apiBase = await listen(server, options.host, options.port);
  return {
    apiBase,
    bundleId,
    appAppleId,
    environment,
    rootPem: chain.rootPem,
    rootKeyPem,
    keyP8,
    keyId,
    issuerId,
    state,
    sent,
    stats: () => ({ apiCalls, apiRejected }),
    control,
    close: () => closeServer(server),
  };
}
