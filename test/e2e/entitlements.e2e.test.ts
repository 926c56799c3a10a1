import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleCookie } from "./console-helpers";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

// The "done when" demo flow, over real sockets: a user buys "pro" (the app's report, then the
// store's notification delivered by the fake App Store to the webhook), GET /v1/entitlements and
// a flag rule say so, the user's phone gets a silent push, the QA page shows each step, and a
// refund takes it away.

let worker: StartedWorker;

interface Entitlement {
  id: string;
  active: boolean;
  productId: string;
  source: string;
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${worker.fakes.controlUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

describe("entitlements end to end", () => {
  it("buy pro (report, then notification), see it in entitlements and a flag, refund takes it away", async () => {
    const webhookUrl = `${worker.url}/v1/webhooks/app-store`;
    const admin = { Authorization: `Bearer ${worker.adminKey}` };
    const flag = await fetchJson(worker.url, "/v1/admin/config", {
      method: "PUT",
      headers: admin,
      json: { flags: { proBadge: { default: false, rules: [{ entitlements: ["pro"], value: true }] } } },
    });
    expect(flag.status).toBe(200);

    // The app: anonymous sign-in and its iPhone registered for push.
    const deviceId = crypto.randomUUID();
    const signIn = await fetchJson<{ accessToken: string; user: { id: string } }>(
      worker.url,
      "/v1/auth/anonymous",
      {
        method: "POST",
        json: { deviceId },
      },
    );
    const token = signIn.body.accessToken;
    const userId = signIn.body.user.id;
    const pushToken = [...crypto.getRandomValues(new Uint8Array(32))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const device = await fetchJson(worker.url, `/v1/devices/${deviceId}`, {
      method: "PUT",
      token,
      json: { platform: "ios", pushProvider: "apns", pushToken },
    });
    expect(device.status).toBe(200);
    const flags = async () =>
      (await fetchJson<{ flags: Record<string, unknown> }>(worker.url, "/v1/config", { token })).body.flags;
    const entitlements = async () =>
      (await fetchJson<{ entitlements: Entitlement[] }>(worker.url, "/v1/entitlements", { token })).body
        .entitlements;
    expect(await entitlements()).toEqual([]);
    expect((await flags()).proBadge).toBe(false);

    // 1. StoreKit completes the purchase; the app reports it.
    const sale = await control<{ originalTransactionId: string; signedTransaction: string }>(
      "/app-store/purchase",
      {
        userId,
        productId: "com.example.pro.monthly",
      },
    );
    const report = await fetchJson<{ entitlements: Entitlement[] }>(worker.url, "/v1/purchases/app-store", {
      method: "POST",
      token,
      json: { signedTransaction: sale.signedTransaction },
    });
    expect(report.status).toBe(200);
    expect(report.body.entitlements).toEqual([
      expect.objectContaining({ id: "pro", active: true, source: "app_store" }),
    ]);

    // 2. The App Store's notification for the same purchase, delivered by the fake to the webhook.
    const note = await control<{ delivered: { status: number; response: string } }>(
      "/app-store/notification",
      {
        originalTransactionId: sale.originalTransactionId,
        type: "SUBSCRIBED",
        subtype: "INITIAL_BUY",
        webhookUrl,
      },
    );
    expect(note.delivered.status).toBe(200);
    expect(await entitlements()).toEqual([
      expect.objectContaining({ id: "pro", active: true, productId: "com.example.pro.monthly" }),
    ]);
    expect((await flags()).proBadge).toBe(true);

    // Support sees the same on the user's record in the console.
    const cookie = await consoleCookie(worker);
    const record = async () => {
      const html = await (
        await fetch(`${worker.url}/console/users/${userId}`, { headers: { Cookie: cookie } })
      ).text();
      const table = /<table id="entitlements">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? "";
      return table.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    };
    expect(await record()).toMatch(/pro active App Store com\.example\.pro\.monthly/);

    // The phone was woken with a silent push (the fake APNs got it).
    const pushes = await waitFor("the entitlements push", async () => {
      const list = await control<{ payload: { type?: string } }[]>(
        `/deliveries?provider=apns&token=${pushToken}`,
      );
      const found = list.filter((d) => d.payload.type === "entitlements");
      return found.length >= 1 ? found : undefined;
    });
    expect(pushes.length).toBeGreaterThanOrEqual(1);

    // 3. The QA page's refund button: the fake signs REFUND and posts it to the webhook.
    const refund = await control<{ type: string; delivered: { status: number } }>("/app-store/action", {
      action: "refund",
      userId,
      webhookUrl,
    });
    expect(refund).toMatchObject({ type: "REFUND", delivered: { status: 200 } });
    expect(await entitlements()).toEqual([expect.objectContaining({ id: "pro", active: false })]);
    expect((await flags()).proBadge).toBe(false);
    await waitFor("the second entitlements push", async () => {
      const list = await control<{ payload: { type?: string } }[]>(
        `/deliveries?provider=apns&token=${pushToken}`,
      );
      return list.filter((d) => d.payload.type === "entitlements").length >= 2 ? true : undefined;
    });

    expect(await record()).toMatch(/pro inactive App Store com\.example\.pro\.monthly/);
    const trail = await (
      await fetch(`${worker.url}/console/users/${userId}`, { headers: { Cookie: cookie } })
    ).text();
    const notices = /<table id="store-notices">([\s\S]*?)<\/table>/.exec(trail)?.[1] ?? "";
    for (const step of ["APP_REPORT", "SUBSCRIBED/INITIAL_BUY", "REFUND"]) expect(notices).toContain(step);

    // Every step is on the QA page.
    const page = await (await fetch(`${worker.fakes.controlUrl}/`)).text();
    expect(page).toContain('id="store-form"');
    const fragment = await (await fetch(`${worker.fakes.controlUrl}/page/fragment`)).text();
    expect(fragment).toContain("SUBSCRIBED/INITIAL_BUY");
    expect(fragment).toContain("REFUND");
    expect(fragment).toContain(userId);
  });

  it("the QA page's buttons drive a purchase for a user id through the webhook", async () => {
    const webhookUrl = `${worker.url}/v1/webhooks/app-store`;
    const signIn = await fetchJson<{ accessToken: string; user: { id: string } }>(
      worker.url,
      "/v1/auth/anonymous",
      {
        method: "POST",
        json: {},
      },
    );
    const { accessToken: token, user } = signIn.body;
    for (const [action, active] of [
      ["purchase", true],
      ["renewal", true],
      ["expiry", false],
    ] as const) {
      const fired = await control<{ delivered: { status: number } }>("/app-store/action", {
        action,
        userId: user.id,
        productId: "com.example.pro.yearly",
        webhookUrl,
      });
      expect(fired.delivered.status).toBe(200);
      const list = await fetchJson<{ entitlements: Entitlement[] }>(worker.url, "/v1/entitlements", {
        token,
      });
      expect(list.body.entitlements).toEqual([expect.objectContaining({ id: "pro", active })]);
    }
  });
});
