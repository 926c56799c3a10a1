import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { campaignStub } from "../setup/hooks";

/** A campaign row straight in D1 (the route's validation is tested elsewhere). */
async function insertCampaign(
  over: { sendAt?: number | null; localTime?: string | null; target?: unknown } = {},
) {
  const id = crypto.randomUUID();
  const now = Date.now();
  const status = over.localTime || (over.sendAt ?? 0) > now ? "scheduled" : "sending";
  await env.DB.prepare(
    `INSERT INTO push_campaigns (id, request_hash, status, created_status, title, body, data, silent, priority,
       target, send_at, local_time, created_at)
     VALUES (?, 'h', ?, ?, 'T', 'B', '{}', 0, 'high', ?, ?, ?, ?)`,
  )
    .bind(
      id,
      status,
      status,
      JSON.stringify(over.target ?? { userIds: [crypto.randomUUID()] }),
      over.sendAt ?? null,
      over.localTime ?? null,
      now,
    )
    .run();
  return id;
}

const stubFor = campaignStub;

async function campaignRow(id: string) {
  return env.DB.prepare("SELECT status, dispatched_at FROM push_campaigns WHERE id = ?")
    .bind(id)
    .first<{ status: string; dispatched_at: number | null }>();
}

describe("CampaignScheduler", () => {
  it("takes a campaign once: scheduling again keeps the armed alarm", async () => {
    const sendAt = Date.now() + 3_600_000;
    const id = await insertCampaign({ sendAt });
    const stub = stubFor(id);
    await stub.schedule(id, sendAt);
    await stub.schedule(id, Date.now() + 60_000);
    const state = await stub.state();
    expect(state).toMatchObject({ campaignId: id, planned: false, cancelled: false, alarmAt: sendAt });
  });

  it("refuses to schedule a second campaign on the same object", async () => {
    const id = await insertCampaign({ sendAt: Date.now() + 60_000 });
    const stub = stubFor(id);
    await stub.schedule(id, Date.now() + 60_000);
    expect(await stub.schedule(crypto.randomUUID(), Date.now())).toBe(false);
    expect((await stub.state()).campaignId).toBe(id);
  });

  it("ignores an early alarm, fires when due, and a second alarm after the last bucket is a no-op", async () => {
    const sendAt = Date.now() + 1500;
    const id = await insertCampaign({ sendAt });
    const stub = stubFor(id);
    await stub.schedule(id, sendAt);
    // Forced early: nothing is resolved or sent, and the alarm is re-armed for sendAt.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    let state = await stub.state();
    expect(state).toMatchObject({ planned: false, buckets: [], alarmAt: sendAt });
    expect((await campaignRow(id))?.status).toBe("scheduled");

    // Time passes: the campaign (no targets) is planned, its bucket fires once, it completes.
    await new Promise((r) => setTimeout(r, 1600));
    await runDurableObjectAlarm(stub);
    state = await stub.state();
    expect(state.buckets[0]?.firedAt).not.toBeNull();
    expect(state.alarmAt).toBeNull();
    expect(await campaignRow(id)).toMatchObject({ status: "sent" });
    const firedAt = state.buckets[0]?.firedAt;

    // Nothing is armed any more; even a forced run changes nothing.
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    await runInDurableObject(stub, async (instance) => {
      await instance.alarm();
    });
    expect((await stub.state()).buckets[0]?.firedAt).toBe(firedAt);
  });

  it("cancel drops unfired buckets and the alarm, and later alarms do nothing", async () => {
    const id = await insertCampaign({ localTime: "09:00" });
    const stub = stubFor(id);
    await stub.schedule(id, Date.now());
    await runDurableObjectAlarm(stub);
    await stub.cancel();
    const state = await stub.state();
    expect(state).toMatchObject({ cancelled: true, buckets: [], alarmAt: null });
    await stub.schedule(id, Date.now());
    expect((await stub.state()).alarmAt).toBeNull();
  });

  it("stands down when its campaign is gone", async () => {
    const id = crypto.randomUUID();
    const stub = stubFor(id);
    await stub.schedule(id, Date.now() + 60_000);
    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ cancelled: true, planned: false, buckets: [] });
  });
});
