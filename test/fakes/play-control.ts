import type { IncomingMessage, ServerResponse } from "node:http";
import { isRecord, parseJsonObject, readBody, sendJson } from "./http-util";
import type { PlayFake, PushTokenOptions } from "./play";
import { PLAY_ACTIONS, type NewPurchase, type PlayAction } from "./play-purchases";

/**
 * The control routes of the fake Google Play (under `/play/`, see the README): tests and the QA
 * page create purchases, move them through their lifecycle, get the signed Pub/Sub push Google
 * would send (and have it delivered to the Worker), forge pushes, and read acknowledgements.
 * Returns false for paths it does not own.
 */
export async function handlePlayControl(
  play: PlayFake,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const route = `${req.method ?? "GET"} ${url.pathname}`;
  if (!url.pathname.startsWith("/play/")) return false;
  const body = async () => {
    const raw = await readBody(req);
    if ((req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
      return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
    }
    return parseJsonObject(raw);
  };
  const bad = (message: string) => sendJson(res, 400, { error: message });
  const withPush = async (
    result: { purchase: unknown; notification: Record<string, unknown> },
    b: Record<string, unknown>,
  ) => {
    const push = await play.buildPush(result.notification, {
      eventTimeMillis: typeof b.eventTimeMillis === "number" ? b.eventTimeMillis : undefined,
    });
    const delivery = b.deliver === true || b.deliver === "true" ? await play.deliver(push) : undefined;
    return { purchase: result.purchase, push, ...(delivery ? { delivery } : {}) };
  };

  switch (route) {
    case "POST /play/purchases": {
      const b = await body();
      if (!b) return (bad("expected a JSON object body"), true);
      const input = parseNewPurchase(b);
      if (typeof input === "string") return (bad(input), true);
      try {
        return (sendJson(res, 200, await withPush(play.purchases.create(input), b)), true);
      } catch (error) {
        return (sendJson(res, 409, { error: String(error) }), true);
      }
    }
    case "POST /play/purchases/action": {
      const b = await body();
      if (!b) return (bad("expected a JSON object body"), true);
      if (typeof b.token !== "string") return (bad("token is required"), true);
      if (!PLAY_ACTIONS.includes(b.action as PlayAction))
        return (bad(`action is one of ${PLAY_ACTIONS.join(", ")}`), true);
      try {
        return (
          sendJson(res, 200, await withPush(play.purchases.apply(b.token, b.action as PlayAction), b)),
          true
        );
      } catch (error) {
        return (sendJson(res, 409, { error: String(error) }), true);
      }
    }
    case "GET /play/purchases": {
      const token = url.searchParams.get("token");
      if (token === null) return (sendJson(res, 200, play.purchases.list()), true);
      const p = play.purchases.get(token);
      return (p ? sendJson(res, 200, p) : sendJson(res, 404, { error: "no such purchase" }), true);
    }
    case "POST /play/push": {
      const b = await body();
      if (!b || !isRecord(b.notification)) return (bad("notification (object) is required"), true);
      const push = await play.buildPush(b.notification, {
        packageName: typeof b.packageName === "string" ? b.packageName : undefined,
        eventTimeMillis: typeof b.eventTimeMillis === "number" ? b.eventTimeMillis : undefined,
        messageId: typeof b.messageId === "string" ? b.messageId : undefined,
        token: isRecord(b.token) ? (b.token as PushTokenOptions) : undefined,
      });
      return (sendJson(res, 200, { push }), true);
    }
    case "POST /play/push-token": {
      const b = (await body()) ?? {};
      return (sendJson(res, 200, { token: await play.mintPushToken(b as PushTokenOptions) }), true);
    }
    case "GET /play/acknowledgements":
      return (sendJson(res, 200, play.acknowledgements(url.searchParams.get("token") ?? undefined)), true);
    case "GET /play/deliveries":
      return (sendJson(res, 200, play.deliveries()), true);
    case "POST /play/fail": {
      const b = await body();
      if (!b || typeof b.status !== "number") return (bad("status (number) is required"), true);
      const operation = b.operation ?? "any";
      if (operation !== "get" && operation !== "acknowledge" && operation !== "any") {
        return (bad('operation is "get", "acknowledge" or "any"'), true);
      }
      if (b.token !== undefined && typeof b.token !== "string") return (bad("token must be a string"), true);
      play.fail({
        status: b.status,
        times: typeof b.times === "number" ? b.times : 1,
        operation,
        token: b.token,
      });
      return (sendJson(res, 200, { ok: true }), true);
    }
    case "POST /play/expire-tokens":
      play.expireAccessTokens();
      return (sendJson(res, 200, { ok: true }), true);
    case "POST /play/webhook-url": {
      const b = await body();
      if (!b || typeof b.url !== "string" || !/^https?:\/\//.test(b.url))
        return (bad("url (http[s]) is required"), true);
      play.setWebhookUrl(b.url);
      return (sendJson(res, 200, { ok: true }), true);
    }
    case "GET /play/stats":
      return (sendJson(res, 200, play.stats()), true);
    case "POST /play/qa": {
      // The QA page's form: purchase, or a lifecycle step on that user's latest purchase of the product.
      const b = (await body()) ?? {};
      const userId = typeof b.userId === "string" ? b.userId.trim() : "";
      const productId = typeof b.productId === "string" ? b.productId.trim() : "";
      const kind = b.kind === "product" ? "product" : "subscription";
      const action = String(b.action ?? "");
      if (userId === "" || productId === "") return (bad("userId and productId are required"), true);
      try {
        if (action === "purchase") {
          await withPush(play.purchases.create({ kind, productId, userId }), { deliver: true });
        } else if (action === "upgrade") {
          const latest = latestFor(play, userId);
          await withPush(
            play.purchases.create({
              kind: "subscription",
              productId,
              userId,
              linkedPurchaseToken: latest?.token,
            }),
            { deliver: true },
          );
        } else if (PLAY_ACTIONS.includes(action as PlayAction)) {
          const latest = latestFor(play, userId, productId);
          if (!latest) return (bad(`no purchase of ${productId} for ${userId}`), true);
          await withPush(play.purchases.apply(latest.token, action as PlayAction), { deliver: true });
        } else {
          return (bad(`unknown action ${action}`), true);
        }
      } catch (error) {
        return (bad(String(error)), true);
      }
      res.writeHead(303, { location: "/" }).end();
      return true;
    }
    default:
      return false;
  }
}

function latestFor(play: PlayFake, userId: string, productId?: string) {
  return play.purchases
    .list()
    .find((p) => p.userId === userId && (productId === undefined || p.productId === productId));
}

function parseNewPurchase(b: Record<string, unknown>): NewPurchase | string {
  const { kind, productId, userId, token, linkedPurchaseToken, pending, test } = b;
  if (kind !== undefined && kind !== "subscription" && kind !== "product")
    return 'kind is "subscription" or "product"';
  if (typeof productId !== "string" || productId === "") return "productId is required";
  for (const [key, value] of Object.entries({ token, linkedPurchaseToken })) {
    if (value !== undefined && (typeof value !== "string" || value === ""))
      return `${key} must be a non-empty string`;
  }
  if (userId !== undefined && userId !== null && typeof userId !== "string")
    return "userId must be a string or null";
  return {
    kind: kind as NewPurchase["kind"],
    productId,
    userId: userId as string | null | undefined,
    token: token as string | undefined,
    linkedPurchaseToken: linkedPurchaseToken as string | undefined,
    pending: pending === true,
    test: test === true,
  };
}
