/**
 * Entitlements: what verifying an App Store notification costs (the webhook, with three JWS and
 * nine ECDSA checks, answered as a replay so every request verifies fully and writes nothing new),
 * a forged one refused at the root pin, and `GET /v1/entitlements`, as ratios to a bare Hono hello
 * route in the same run; `GET /v1/me` (one D1 query) for reference. Plus the verification alone
 * in Node (same code, Node's WebCrypto), per notification.
 *
 *   npm run bench -- entitlements
 */
import { appStoreConfig } from "../worker/entitlements/apple/config";
import { verifyNotification } from "../worker/entitlements/apple/messages";
import type { BenchHarness, BenchReport, LoadOptions, LoadResult } from "./harness";
import { measureAgainstHello, ratioRows } from "./ratio-rounds";
import { providerBindings } from "../scripts/lib/provider-bindings";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;
const NODE_VERIFICATIONS = 200;

async function control<T>(h: BenchHarness, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${h.fakes.controlUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function check(result: LoadResult, status: number, what: string): void {
  const others = Object.entries(result.statusCodes).filter(([code]) => Number(code) !== status);
  if (result.errors > 0 || others.length > 0) {
    throw new Error(`${what}: ${result.errors} errors, statuses ${JSON.stringify(result.statusCodes)}`);
  }
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  const user = await h.signInAnonymous();
  const authed = { Authorization: `Bearer ${user.accessToken}` };
  const webhook = `${h.url}/v1/webhooks/app-store`;
  const sale = await control<{ originalTransactionId: string; signedPayload: string }>(
    h,
    "/app-store/action",
    {
      action: "purchase",
      userId: user.userId,
      productId: "com.example.pro.monthly",
      webhookUrl: webhook,
    },
  );
  const entitlements = await fetch(`${h.url}/v1/entitlements`, { headers: authed });
  const listed = (await entitlements.json()) as { entitlements: { active: boolean }[] };
  if (listed.entitlements[0]?.active !== true) throw new Error("the purchase did not grant pro");
  const forged = await control<{ signedPayload: string }>(h, "/app-store/notification", {
    originalTransactionId: sale.originalTransactionId,
    type: "DID_RENEW",
    forgery: "wrong-root",
  });
  const json = { "Content-Type": "application/json" };

  const routes: { name: string; status: number; options: LoadOptions }[] = [
    {
      name: "POST /v1/webhooks/app-store, verified (replay: 3 JWS, 1 D1 batch)",
      status: 200,
      options: {
        path: "/v1/webhooks/app-store",
        method: "POST",
        headers: json,
        body: JSON.stringify({ signedPayload: sale.signedPayload }),
      },
    },
    {
      name: "POST /v1/webhooks/app-store, forged root → 401",
      status: 401,
      options: {
        path: "/v1/webhooks/app-store",
        method: "POST",
        headers: json,
        body: JSON.stringify({ signedPayload: forged.signedPayload }),
      },
    },
    {
      name: "GET /v1/entitlements (one purchase)",
      status: 200,
      options: { path: "/v1/entitlements", headers: authed },
    },
    {
      name: "GET /v1/me (one D1 query, reference)",
      status: 200,
      options: { path: "/v1/me", headers: authed },
    },
  ];
  const rounds = await measureAgainstHello(h, routes, {
    rounds: ROUNDS,
    connections: CONNECTIONS,
    seconds: DURATION,
    check: (result, what, route) => check(result, route?.status ?? 200, what),
  });

  // The verification alone, in Node: the same module the Worker runs, over Node's WebCrypto.
  const env = providerBindings(h.fakes);
  const config = appStoreConfig(env);
  if (!config) throw new Error("App Store not configured for the bench");
  await verifyNotification(config, sale.signedPayload, Date.now());
  const started = performance.now();
  for (let i = 0; i < NODE_VERIFICATIONS; i++)
    await verifyNotification(config, sale.signedPayload, Date.now());
  const perNotification = (performance.now() - started) / NODE_VERIFICATIONS;

  const rows = ratioRows(rounds);
  rows.push({
    name: "verifying one notification in Node (outer + transaction + renewal info)",
    value: `${perNotification.toFixed(2)} ms`,
    note: `mean of ${NODE_VERIFICATIONS}, one core`,
  });
  return { title: "Entitlements: webhook verification and GET /v1/entitlements", rows };
}
