import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { nextLocalOccurrence } from "../../worker/push/campaigns/local-time";
import { campaignStub } from "../setup/hooks";
import { call } from "../setup/http";
import {
  admin,
  createOk,
  deliveriesTo,
  getCampaign,
  ledger,
  registerDevice,
  visible,
  waitFor,
  waitUntilSent,
} from "./push-campaign-helpers";

const scheduler = campaignStub;
const cancel = (id: string) => call(`/v1/push/campaigns/${id}`, { method: "DELETE", headers: admin() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("sendAt", () => {
  it("is not sent early, then sent exactly once, and a second alarm is a no-op", async () => {
    const d = await registerDevice({ platform: "android" });
    const sendAt = Date.now() + 3000;
    const created = await createOk(visible({ sendAt, target: { deviceIds: [d.deviceId] } }));
    expect(created.status).toBe("scheduled");
    // Forcing the alarm early sends nothing: the bucket is not due.
    await runDurableObjectAlarm(scheduler(created.id));
    await sleep(1200);
    expect(await deliveriesTo(d)).toHaveLength(0);
    expect((await getCampaign(created.id)).status).toBe("scheduled");
    const state = await scheduler(created.id).state();
    // Targets are resolved when the campaign is due, so devices registered meanwhile count.
    expect(state).toMatchObject({ planned: false, buckets: [], alarmAt: sendAt });
    expect(await ledger(created.id)).toEqual([]);

    const view = await waitUntilSent(created.id, 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(sendAt);
    expect(view.stats).toMatchObject({ targeted: 1, sent: 1 });
    const [delivery] = await deliveriesTo(d);
    expect(delivery).toBeDefined();
    // Alarms are at-least-once: firing again enqueues nothing new.
    await runDurableObjectAlarm(scheduler(created.id));
    await sleep(1500);
    expect(await deliveriesTo(d)).toHaveLength(1);
  });

  it("sends a sendAt in the past at once", async () => {
    const d = await registerDevice();
    const created = await createOk(
      visible({ sendAt: Date.now() - 60_000, target: { deviceIds: [d.deviceId] } }),
    );
    expect(created.status).toBe("sending");
    await waitUntilSent(created.id);
    expect(await deliveriesTo(d)).toHaveLength(1);
  });
});

describe("DELETE /v1/push/campaigns/{id}", () => {
  it("cancels a scheduled campaign so that it is never sent", async () => {
    const d = await registerDevice();
    const created = await createOk(
      visible({ sendAt: Date.now() + 2000, target: { deviceIds: [d.deviceId] } }),
    );
    expect((await cancel(created.id)).status).toBe(204);
    expect((await getCampaign(created.id)).status).toBe("cancelled");
    expect((await scheduler(created.id).state()).alarmAt).toBeNull();
    await sleep(3000);
    await runDurableObjectAlarm(scheduler(created.id));
    await sleep(1500);
    expect(await deliveriesTo(d)).toHaveLength(0);
    expect((await getCampaign(created.id)).stats.sent).toBe(0);
    // Cancelling again is fine.
    expect((await cancel(created.id)).status).toBe(204);
  });

  it("cancels the pending rows of a planned local-time campaign", async () => {
    const d = await registerDevice({ timezone: "Asia/Tokyo" });
    const created = await createOk(visible({ localTime: "03:00", target: { deviceIds: [d.deviceId] } }));
    await waitFor("the plan", async () => ((await ledger(created.id)).length === 1 ? true : undefined));
    expect((await cancel(created.id)).status).toBe(204);
    expect((await ledger(created.id))[0]?.state).toBe("cancelled");
    expect((await getCampaign(created.id)).stats).toMatchObject({ targeted: 1, cancelled: 1, sent: 0 });
    expect((await scheduler(created.id).state()).buckets).toEqual([]);
  });

  it("answers 409 for a campaign already sent and 404 for an unknown one", async () => {
    const d = await registerDevice();
    const created = await createOk(visible({ target: { deviceIds: [d.deviceId] } }));
    await waitUntilSent(created.id);
    const res = await cancel(created.id);
    expect(res.status).toBe(409);
    expect((await res.json<{ code: string }>()).code).toBe("conflict");
    expect((await getCampaign(created.id)).status).toBe("sent");
    expect((await cancel(crypto.randomUUID())).status).toBe(404);
  });
});

describe("localTime", () => {
  it("fires one bucket per timezone at that zone's wall-clock time, each once", async () => {
    const tokyo = await registerDevice({ timezone: "Asia/Tokyo" });
    const newYork = await registerDevice({ timezone: "America/New_York" });
    const noZone = await registerDevice({ platform: "android" });
    await env.DB.prepare("UPDATE devices SET timezone = NULL WHERE id = ?").bind(noZone.deviceId).run();
    const before = Date.now();
    const created = await createOk(
      visible({
        localTime: "09:30",
        target: { deviceIds: [tokyo.deviceId, newYork.deviceId, noZone.deviceId] },
      }),
    );
    expect(created.status).toBe("scheduled");
    const stub = scheduler(created.id);
    const state = await waitFor("the plan", async () => {
      const s = await stub.state();
      return s.planned ? s : undefined;
    });
    expect(state.buckets.map((b) => b.key).sort()).toEqual(["America/New_York", "Asia/Tokyo", "UTC"]);
    for (const b of state.buckets) {
      // Each zone's next 09:30 (devices without a timezone: UTC), DST included.
      expect(b.fireAt, b.key).toBe(nextLocalOccurrence("09:30", b.key, before));
      expect(b.firedAt).toBeNull();
    }
    expect(state.alarmAt).toBe(Math.min(...state.buckets.map((b) => b.fireAt)));
    expect(await deliveriesTo(tokyo)).toHaveLength(0);

    // Time passes for Tokyo only.
    await runInDurableObject(stub, (_instance, ctx) => {
      ctx.storage.sql.exec("UPDATE buckets SET fire_at = ? WHERE key = 'Asia/Tokyo'", Date.now() - 1);
    });
    await runDurableObjectAlarm(stub);
    await waitFor("Tokyo's push", async () => ((await deliveriesTo(tokyo)).length === 1 ? true : undefined));
    await runDurableObjectAlarm(stub);
    await sleep(1500);
    expect(await deliveriesTo(tokyo)).toHaveLength(1);
    expect(await deliveriesTo(newYork)).toHaveLength(0);
    expect(await deliveriesTo(noZone)).toHaveLength(0);
    expect((await getCampaign(created.id)).status).toBe("sending");

    // Then for everyone else.
    await runInDurableObject(stub, (_instance, ctx) => {
      ctx.storage.sql.exec("UPDATE buckets SET fire_at = ? WHERE fired_at IS NULL", Date.now() - 1);
    });
    await runDurableObjectAlarm(stub);
    const view = await waitUntilSent(created.id);
    expect(view.stats).toMatchObject({ targeted: 3, sent: 3 });
    for (const d of [tokyo, newYork, noZone]) expect(await deliveriesTo(d)).toHaveLength(1);
    expect((await stub.state()).alarmAt).toBeNull();
  });
});
