import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../setup/http";
import {
  admin,
  createCampaign,
  createOk,
  deliveriesTo,
  getCampaign,
  ledger,
  registerDevice,
  visible,
  waitUntilSent,
} from "./push-campaign-helpers";

async function campaignsTitled(title: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM push_campaigns WHERE title = ?")
    .bind(title)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("POST /v1/push/campaigns", () => {
  it("answers 202 sending and delivers exactly once to the targeted device", async () => {
    const d = await registerDevice({ platform: "ios" });
    const started = Date.now();
    const created = await createOk(visible({ target: { deviceIds: [d.deviceId] } }));
    expect(created.status).toBe("sending");
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const view = await waitUntilSent(created.id);
    expect(view.stats).toEqual({
      targeted: 1,
      sent: 1,
      failed: {},
      pruned: 0,
      opened: 0,
      pending: 0,
      cancelled: 0,
      withheld: {},
    });
    const got = await deliveriesTo(d);
    expect(got).toHaveLength(1);
    expect(got[0]?.summary).toMatchObject({ title: "Hello", body: "World", silent: false });
    // The app learns the campaign id from the push, to report the open.
    expect(JSON.stringify(got[0]?.payload)).toContain(created.id);
    expect((await ledger(created.id)).map((r) => r.state)).toEqual(["sent"]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("sends through FCM to an Android device with string data", async () => {
    const d = await registerDevice({ platform: "android" });
    const created = await createOk(
      visible({ data: { screen: "offers", id: "42" }, target: { deviceIds: [d.deviceId] } }),
    );
    await waitUntilSent(created.id);
    const got = await deliveriesTo(d);
    expect(got).toHaveLength(1);
    expect(JSON.stringify(got[0]?.payload)).toContain('"id":"42"');
  });

  it("sends a silent campaign as a background push without title or body", async () => {
    const d = await registerDevice({ platform: "ios" });
    const created = await createOk({
      data: { sync: "1" },
      silent: true,
      target: { deviceIds: [d.deviceId] },
    });
    await waitUntilSent(created.id);
    const got = await deliveriesTo(d);
    expect(got).toHaveLength(1);
    expect(got[0]?.summary.silent).toBe(true);
    expect(got[0]?.headers["apns-push-type"]).toBe("background");
  });

  it("passes collapseKey, ttlSeconds and priority to the provider", async () => {
    const d = await registerDevice({ platform: "ios" });
    const created = await createOk(
      visible({
        collapseKey: "promo-1",
        ttlSeconds: 3600,
        priority: "normal",
        target: { deviceIds: [d.deviceId] },
      }),
    );
    await waitUntilSent(created.id);
    const [got] = await deliveriesTo(d);
    expect(got?.headers["apns-collapse-id"]).toBe("promo-1");
    expect(got?.headers["apns-priority"]).toBe("5");
    expect(Number(got?.headers["apns-expiration"])).toBeGreaterThan(Date.now() / 1000);
  });

  it("completes at once as sent when nobody matches", async () => {
    const created = await createOk(visible({ target: { userIds: [crypto.randomUUID()] } }));
    const view = await waitUntilSent(created.id);
    expect(view.stats.targeted).toBe(0);
  });
});

describe("campaign validation refuses and stores and sends nothing", () => {
  const cases: Array<[string, (marker: string, deviceId: string) => Record<string, unknown>, string]> = [
    ["an unknown field", (m, id) => visible({ title: m, target: { deviceIds: [id] }, badge: 3 }), ""],
    [
      "an unknown target field",
      (m, id) => visible({ title: m, target: { deviceIds: [id], country: "CH" } }),
      "target",
    ],
    ["a missing target", (m) => visible({ title: m }), "target"],
    [
      "a title longer than 200 characters",
      (m, id) => visible({ title: m + "x".repeat(200), target: { deviceIds: [id] } }),
      "title",
    ],
    ["a visible push without a body", (m, id) => ({ title: m, target: { deviceIds: [id] } }), "body"],
    [
      "a number in data",
      (m, id) => visible({ title: m, data: { n: 1 }, target: { deviceIds: [id] } }),
      "data.n",
    ],
    [
      "a reserved data key",
      (m, id) => visible({ title: m, data: { from: "x" }, target: { deviceIds: [id] } }),
      "data.from",
    ],
    [
      "a payload over 4 KiB",
      (m, id) => visible({ title: m, data: { big: "x".repeat(4000) }, target: { deviceIds: [id] } }),
      "data",
    ],
    [
      "a collapse key with a line break",
      (m, id) => visible({ title: m, collapseKey: "a\r\nX-Evil: 1", target: { deviceIds: [id] } }),
      "collapseKey",
    ],
    [
      "a TTL beyond 28 days",
      (m, id) => visible({ title: m, ttlSeconds: 2_419_201, target: { deviceIds: [id] } }),
      "ttlSeconds",
    ],
    [
      "a negative TTL",
      (m, id) => visible({ title: m, ttlSeconds: -1, target: { deviceIds: [id] } }),
      "ttlSeconds",
    ],
    [
      "an unknown priority",
      (m, id) => visible({ title: m, priority: "urgent", target: { deviceIds: [id] } }),
      "priority",
    ],
    [
      "an invalid semver range",
      (m, id) => visible({ title: m, target: { deviceIds: [id], appVersion: ">=banana" } }),
      "target.appVersion",
    ],
    [
      "an unknown platform",
      (m, id) => visible({ title: m, target: { deviceIds: [id], platforms: ["web"] } }),
      "target.platforms.0",
    ],
    ["an empty device list", (m) => visible({ title: m, target: { deviceIds: [] } }), "target.deviceIds"],
    [
      "a malformed locale",
      (m, id) => visible({ title: m, target: { deviceIds: [id], locales: ["de CH"] } }),
      "target.locales.0",
    ],
    [
      "a local time that is not HH:MM",
      (m, id) => visible({ title: m, localTime: "9:00", target: { deviceIds: [id] } }),
      "localTime",
    ],
    [
      "a fractional sendAt",
      (m, id) => visible({ title: m, sendAt: 1.5, target: { deviceIds: [id] } }),
      "sendAt",
    ],
    [
      "a sendAt more than a year ahead",
      (m, id) => visible({ title: m, sendAt: Date.now() + 400 * 86_400_000, target: { deviceIds: [id] } }),
      "sendAt",
    ],
    [
      "a silent push with a title",
      (m, id) => ({ title: m, body: "b", silent: true, target: { deviceIds: [id] } }),
      "silent",
    ],
  ];
  for (const [what, body, path] of cases) {
    it(`refuses ${what} with 400 invalid_body`, async () => {
      const d = await registerDevice();
      const marker = `t-${crypto.randomUUID()}`;
      const res = await createCampaign(body(marker, d.deviceId));
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const problem = await res.json<{ code: string; errors?: { path: string }[] }>();
      expect(problem.code).toBe("invalid_body");
      if (path) expect(problem.errors?.map((e) => e.path)).toContain(path);
      expect(await campaignsTitled(marker)).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(await deliveriesTo(d)).toHaveLength(0);
    });
  }

  it("refuses malformed JSON with 400 invalid_json", async () => {
    const res = await call("/v1/push/campaigns", {
      method: "POST",
      headers: { ...admin(), "Content-Type": "application/json" },
      body: '{"title":',
    });
    expect(res.status).toBe(400);
    expect((await res.json<{ code: string }>()).code).toBe("invalid_json");
  });
});

describe("only admins create and read campaigns", () => {
  it("answers 401 without a key, 401 with a wrong key and 403 for a user, sending nothing", async () => {
    const d = await registerDevice();
    const marker = `auth-${crypto.randomUUID()}`;
    const body = visible({ title: marker, target: { deviceIds: [d.deviceId] } });
    expect((await createCampaign(body, undefined, {})).status).toBe(401);
    expect((await createCampaign(body, undefined, { Authorization: "Bearer wrong" })).status).toBe(401);
    const asUser = await createCampaign(body, undefined, { Authorization: `Bearer ${d.user.accessToken}` });
    expect(asUser.status).toBe(403);
    expect((await asUser.json<{ code: string }>()).code).toBe("forbidden");
    // Even an invalid body from a non-admin is refused for the credential, not the body.
    expect((await createCampaign({ nonsense: true }, undefined, {})).status).toBe(401);
    expect(await campaignsTitled(marker)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await deliveriesTo(d)).toHaveLength(0);
  });

  it("refuses a user reading or cancelling a campaign", async () => {
    const d = await registerDevice();
    const created = await createOk(visible({ target: { userIds: [crypto.randomUUID()] } }));
    const user = { Authorization: `Bearer ${d.user.accessToken}` };
    expect((await call(`/v1/push/campaigns/${created.id}`, { headers: user })).status).toBe(403);
    expect((await call(`/v1/push/campaigns/${created.id}`, { method: "DELETE", headers: user })).status).toBe(
      403,
    );
    expect((await call(`/v1/push/campaigns/${created.id}`)).status).toBe(401);
  });

  it("answers 404 for an unknown campaign", async () => {
    const res = await call(`/v1/push/campaigns/${crypto.randomUUID()}`, { headers: admin() });
    expect(res.status).toBe(404);
    expect((await res.json<{ code: string }>()).code).toBe("not_found");
  });
});

describe("Idempotency-Key", () => {
  it("returns the same campaign for the same key and body and sends once", async () => {
    const d = await registerDevice();
    const key = crypto.randomUUID();
    const body = visible({ target: { deviceIds: [d.deviceId] } });
    const first = await createOk(body, key);
    const again = await createCampaign(body, key);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(first);
    // Key order in the body does not matter.
    const reordered = { target: body.target, data: body.data, body: body.body, title: body.title };
    expect((await createOk(reordered, key)).id).toBe(first.id);
    await waitUntilSent(first.id);
    const afterSent = await createCampaign(body, key);
    expect(afterSent.status).toBe(202);
    expect((await afterSent.json<{ id: string }>()).id).toBe(first.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await deliveriesTo(d)).toHaveLength(1);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM push_campaigns WHERE idempotency_key = ?")
      .bind(key)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("answers 409 idempotency_conflict for the same key with a different body", async () => {
    const d = await registerDevice();
    const key = crypto.randomUUID();
    const first = await createOk(visible({ target: { deviceIds: [d.deviceId] } }), key);
    const res = await createCampaign(visible({ title: "Other", target: { deviceIds: [d.deviceId] } }), key);
    expect(res.status).toBe(409);
    expect((await res.json<{ code: string }>()).code).toBe("idempotency_conflict");
    await waitUntilSent(first.id);
    expect(await deliveriesTo(d)).toHaveLength(1);
    expect(await campaignsTitled("Other")).toBe(0);
  });

  it("creates two campaigns for the same body without a key", async () => {
    const d = await registerDevice();
    const body = visible({ target: { deviceIds: [d.deviceId] } });
    const a = await createOk(body);
    const b = await createOk(body);
    expect(a.id).not.toBe(b.id);
    await waitUntilSent(a.id);
    await waitUntilSent(b.id);
    expect(await deliveriesTo(d)).toHaveLength(2);
  });

  it("creates one campaign when the same key arrives concurrently", async () => {
    const d = await registerDevice();
    const key = crypto.randomUUID();
    const body = visible({ target: { deviceIds: [d.deviceId] } });
    const results = await Promise.all(Array.from({ length: 5 }, () => createCampaign(body, key)));
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    const ids = new Set(await Promise.all(results.map(async (r) => (await r.json<{ id: string }>()).id)));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await waitUntilSent(id ?? "");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await deliveriesTo(d)).toHaveLength(1);
  });

  it("refuses a malformed key", async () => {
    const res = await createCampaign(visible({ target: { deviceIds: ["x"] } }), "has space");
    expect(res.status).toBe(400);
    expect((await res.json<{ code: string }>()).code).toBe("invalid_query");
  });
});

describe("POST /v1/push/opened", () => {
  it("counts an open once per device and hides other users' devices", async () => {
    const d = await registerDevice();
    const other = await registerDevice();
    const created = await createOk(visible({ target: { deviceIds: [d.deviceId, other.deviceId] } }));
    await waitUntilSent(created.id);
    const open = (token: string, deviceId: string, campaignId = created.id) =>
      call("/v1/push/opened", { method: "POST", token, json: { campaignId, deviceId } });
    expect((await open(d.user.accessToken, d.deviceId)).status).toBe(204);
    expect((await open(d.user.accessToken, d.deviceId)).status).toBe(204);
    expect((await getCampaign(created.id)).stats.opened).toBe(1);
    // Someone else's device, a campaign that never reached the device, an unknown campaign: 404.
    expect((await open(d.user.accessToken, other.deviceId)).status).toBe(404);
    const untargeted = await registerDevice({}, d.user);
    expect((await open(d.user.accessToken, untargeted.deviceId)).status).toBe(404);
    expect((await open(d.user.accessToken, d.deviceId, crypto.randomUUID())).status).toBe(404);
    expect((await getCampaign(created.id)).stats.opened).toBe(1);
    expect((await open(other.user.accessToken, other.deviceId)).status).toBe(204);
    expect((await getCampaign(created.id)).stats.opened).toBe(2);
  });

  it("requires a user and a strict body", async () => {
    const d = await registerDevice();
    const res = await call("/v1/push/opened", { method: "POST", json: { campaignId: "a", deviceId: "b" } });
    expect(res.status).toBe(401);
    const bad = await call("/v1/push/opened", {
      method: "POST",
      token: d.user.accessToken,
      json: { campaignId: "a", deviceId: "b", extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ code: string }>()).code).toBe("invalid_body");
  });
});

describe("OpenAPI document", () => {
  it("describes the push and inbox routes", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths["/v1/push/campaigns"] ?? {})).toContain("post");
    expect(Object.keys(doc.paths["/v1/push/campaigns/{id}"] ?? {}).sort()).toEqual(["delete", "get"]);
    expect(Object.keys(doc.paths["/v1/push/opened"] ?? {})).toContain("post");
    expect(Object.keys(doc.paths["/v1/notifications/{id}/read"] ?? {})).toContain("post");
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/v1/notifications") && !p.includes("{id}"))).toBe(
      true,
    );
  });
});
