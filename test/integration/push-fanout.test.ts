import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_IN_FLIGHT, runLimited } from "../../worker/lib/concurrency";
import { handleQueue } from "../../worker/push/campaigns/queue-consumer";
import {
  createOk,
  deliveriesTo,
  getCampaign,
  ledger,
  plannedButNotDispatched,
  registerDevice,
  runBatch,
  visible,
  waitUntilSent,
  type Registered,
} from "./push-campaign-helpers";
import { script } from "./push-provider-control";

async function tokenInvalidAt(deviceId: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT push_token_invalid_at AS at FROM devices WHERE id = ?")
    .bind(deviceId)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}

async function sendTo(d: Registered) {
  const created = await createOk(visible({ target: { deviceIds: [d.deviceId] } }));
  return { created, view: await waitUntilSent(created.id, 25_000), rows: await ledger(created.id) };
}

describe("provider answers, end to end through the queue", () => {
  it("prunes a token FCM calls UNREGISTERED and leaves the device out of the next campaign", async () => {
    const d = await registerDevice({ platform: "android" });
    await script("fcm", d.token, [{ status: 404, errorCode: "UNREGISTERED" }]);
    const first = await sendTo(d);
    expect(first.view.stats).toMatchObject({ targeted: 1, sent: 0, pruned: 1 });
    expect(first.rows[0]).toMatchObject({ state: "pruned", last_error: "UNREGISTERED", attempts: 1 });
    expect(await tokenInvalidAt(d.deviceId)).not.toBeNull();
    const second = await sendTo(d);
    expect(second.view.stats.targeted).toBe(0);
    expect(await deliveriesTo(d)).toHaveLength(0);
  });

  it("prunes a token APNs answers 410 Unregistered for", async () => {
    const d = await registerDevice({ platform: "ios" });
    await script("apns", d.token, [{ status: 410, reason: "Unregistered", timestamp: Date.now() + 1000 }]);
    const { view, rows } = await sendTo(d);
    expect(view.stats.pruned).toBe(1);
    expect(rows[0]?.last_error).toBe("Unregistered");
    expect(await tokenInvalidAt(d.deviceId)).not.toBeNull();
  });

  it("prunes a token APNs calls BadDeviceToken", async () => {
    const d = await registerDevice({ platform: "ios" });
    await script("apns", d.token, [{ status: 400, reason: "BadDeviceToken" }]);
    const { view } = await sendTo(d);
    expect(view.stats.pruned).toBe(1);
    expect(await tokenInvalidAt(d.deviceId)).not.toBeNull();
  });

  it("records a permanent failure with its reason and keeps the token", async () => {
    const d = await registerDevice({ platform: "android" });
    await script("fcm", d.token, [{ status: 400, errorCode: "INVALID_ARGUMENT", message: "Invalid TTL" }]);
    const { view, rows } = await sendTo(d);
    expect(view.stats).toMatchObject({ sent: 0, pruned: 0, failed: { INVALID_ARGUMENT: 1 } });
    expect(rows[0]?.state).toBe("failed");
    expect(await tokenInvalidAt(d.deviceId)).toBeNull();
  });

  it("retries a 503 after its Retry-After and then sends exactly once", async () => {
    const d = await registerDevice({ platform: "android" });
    await script("fcm", d.token, [{ status: 503, errorCode: "UNAVAILABLE", retryAfter: 2 }]);
    const started = Date.now();
    const created = await createOk(visible({ target: { deviceIds: [d.deviceId] } }));
    const view = await waitUntilSent(created.id, 25_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(view.stats).toMatchObject({ targeted: 1, sent: 1, failed: {} });
    expect((await ledger(created.id))[0]).toMatchObject({ state: "sent", attempts: 2 });
    expect(await deliveriesTo(d)).toHaveLength(1);
  });

  it("retries an APNs 429 TooManyRequests and then sends once", async () => {
    const d = await registerDevice({ platform: "ios" });
    await script("apns", d.token, [{ status: 429, reason: "TooManyRequests", retryAfter: 1 }]);
    const { view, rows } = await sendTo(d);
    expect(view.stats.sent).toBe(1);
    expect(rows[0]?.attempts).toBe(2);
    expect(await deliveriesTo(d)).toHaveLength(1);
  });

  it("fails a device with retries_exhausted once the queue has spent its retries", async () => {
    const d = await registerDevice({ platform: "android" });
    await script("fcm", d.token, [{ status: 503, errorCode: "UNAVAILABLE", retryAfter: 1 }], false);
    const created = await createOk(visible({ target: { deviceIds: [d.deviceId] } }));
    const view = await waitUntilSent(created.id, 40_000);
    expect(view.stats).toMatchObject({ sent: 0, failed: { retries_exhausted: 1 } });
    const [row] = await ledger(created.id);
    // First delivery plus max_retries = 5.
    expect(row?.attempts).toBe(6);
    expect(await deliveriesTo(d)).toHaveLength(0);
    await script("fcm", d.token, []);
  }, 60_000);
});

describe("at-least-once queue delivery never pushes twice", () => {
  it("drops a redelivered message for devices already sent", async () => {
    const d = await registerDevice({ platform: "ios" });
    const { created } = await sendTo(d);
    const result = await runBatch([{ campaignId: created.id, deviceIds: [d.deviceId] }]);
    expect(result.retryMessages).toEqual([]);
    expect(await deliveriesTo(d)).toHaveLength(1);
    expect((await getCampaign(created.id)).stats.sent).toBe(1);
  });

  it("sends once when the same message arrives twice in one batch and in two concurrent batches", async () => {
    const devices = await Promise.all([
      registerDevice({ platform: "ios" }),
      registerDevice({ platform: "android" }),
    ]);
    const campaignId = await plannedButNotDispatched(devices);
    const job = { campaignId, deviceIds: devices.map((d) => d.deviceId) };
    await Promise.all([runBatch([job, job]), runBatch([job]), runBatch([job, job, job])]);
    await runBatch([job]);
    for (const d of devices) expect(await deliveriesTo(d)).toHaveLength(1);
    expect((await ledger(campaignId)).map((r) => r.state)).toEqual(["sent", "sent"]);
  });

  it("defers a duplicate that arrives while another consumer holds the lease", async () => {
    const d = await registerDevice({ platform: "android" });
    const campaignId = await plannedButNotDispatched([d]);
    // Another consumer claimed the row a moment ago and is still sending.
    await env.DB.prepare(
      "UPDATE push_deliveries SET state = 'leased', lease_until = ?, attempts = 1 WHERE campaign_id = ?",
    )
      .bind(Date.now() + 30_000, campaignId)
      .run();
    const result = await runBatch([{ campaignId, deviceIds: [d.deviceId] }]);
    expect(result.retryMessages).toEqual([]);
    expect(await deliveriesTo(d)).toHaveLength(0);
    expect((await ledger(campaignId))[0]?.state).toBe("leased");
  });

  it("takes over a row whose lease expired (its consumer died) and sends it once", async () => {
    const d = await registerDevice({ platform: "android" });
    const campaignId = await plannedButNotDispatched([d]);
    await env.DB.prepare(
      "UPDATE push_deliveries SET state = 'leased', lease_until = ?, attempts = 1 WHERE campaign_id = ?",
    )
      .bind(Date.now() - 1, campaignId)
      .run();
    await runBatch([{ campaignId, deviceIds: [d.deviceId] }]);
    await runBatch([{ campaignId, deviceIds: [d.deviceId] }]);
    expect(await deliveriesTo(d)).toHaveLength(1);
    expect((await ledger(campaignId))[0]).toMatchObject({ state: "sent", attempts: 2 });
  });

  it("records retries_exhausted for a dead-lettered message but never overrides a sent row", async () => {
    const [a, b] = await Promise.all([
      registerDevice({ platform: "ios" }),
      registerDevice({ platform: "ios" }),
    ]);
    const campaignId = await plannedButNotDispatched([a, b]);
    await runBatch([{ campaignId, deviceIds: [a.deviceId] }]);
    await runBatch([{ campaignId, deviceIds: [a.deviceId, b.deviceId] }], "outpost-push-dlq");
    const rows = await ledger(campaignId);
    const byDevice = new Map(rows.map((r) => [r.device_id, r]));
    expect(byDevice.get(a.deviceId)?.state).toBe("sent");
    expect(byDevice.get(b.deviceId)).toMatchObject({ state: "failed", last_error: "retries_exhausted" });
    expect(await deliveriesTo(b)).toHaveLength(0);
  });

  it("skips every device of a campaign cancelled after its messages were queued", async () => {
    const d = await registerDevice({ platform: "ios" });
    const campaignId = await plannedButNotDispatched([d]);
    // The cancel's status flip has landed; its ledger update has not yet.
    await env.DB.prepare("UPDATE push_campaigns SET status = 'cancelled' WHERE id = ?")
      .bind(campaignId)
      .run();
    await runBatch([{ campaignId, deviceIds: [d.deviceId] }]);
    expect(await deliveriesTo(d)).toHaveLength(0);
    expect((await ledger(campaignId))[0]?.state).toBe("pending");
  });

  it("acknowledges a malformed message instead of retrying it forever", async () => {
    const batch = createMessageBatch("outpost-push", [
      { id: "bad", timestamp: new Date(), attempts: 1, body: { nope: true } },
    ]);
    const ctx = createExecutionContext();
    await handleQueue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["bad"]);
    expect(result.retryMessages).toEqual([]);
  });
});

describe("the consumer's concurrency", () => {
  it("never has more than 6 sends in flight and still runs every one", async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await runLimited(
      Array.from({ length: 40 }, (_, i) => i),
      MAX_IN_FLIGHT,
      async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5 + (i % 3)));
        inFlight--;
        done.push(i);
      },
    );
    expect(MAX_IN_FLIGHT).toBe(6);
    expect(peak).toBe(6);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
