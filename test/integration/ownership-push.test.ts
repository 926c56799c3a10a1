import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { campaignStub } from "../setup/hooks";
import { anonymousUser, call } from "../setup/http";
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

/**
 * Finding 2 of issue 9 as its class: a push planned for Alice must not reach whoever holds her
 * device at send time. Each case plans a campaign for Alice's phone, hands the phone over (Bob
 * signs in on it and registers it with the same push token, the legitimate move), then lets the
 * send happen through the path under test: the fake FCM/APNs on loopback must record nothing.
 */

/** The phone changes hands: Bob signs in on it and registers it with its push token. */
async function handOver(d: Registered): Promise<string> {
  const bob = await anonymousUser(d.deviceId);
  const res = await call(`/v1/devices/${d.deviceId}`, {
    method: "PUT",
    token: bob.accessToken,
    json: {
      platform: d.provider === "apns" ? "ios" : "android",
      pushProvider: d.provider,
      pushToken: d.token,
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return bob.userId;
}

/** A local-time campaign for Alice's secret, planned now, whose bucket fires hours from now. */
const planned = (devices: Registered[]) =>
  plannedButNotDispatched(devices, { title: "Alice: your bank code" });

/** Fires every bucket of a local-time campaign now, as its alarm would at the local time. */
async function fireAllBuckets(campaignId: string): Promise<void> {
  const stub = campaignStub(campaignId);
  await runInDurableObject(stub, (_instance, ctx) => {
    ctx.storage.sql.exec("UPDATE buckets SET fire_at = ? WHERE fired_at IS NULL", Date.now() - 1);
  });
  await runDurableObjectAlarm(stub);
}

describe("a push planned for one user and a device that changed hands before the send", () => {
  it("records who and which token the push was planned for", async () => {
    const alice = await registerDevice({ platform: "android" });
    const campaignId = await planned([alice]);
    const [row] = await ledger(campaignId);
    expect(row).toMatchObject({ user_id: alice.user.userId, state: "pending" });
    expect(row?.token_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(row)).not.toContain(alice.token);
  });

  it("is withheld at its local time, counted as owner_changed, and reaches nobody", async () => {
    const alice = await registerDevice({ platform: "ios" });
    const other = await registerDevice({ platform: "android" });
    const campaignId = await planned([alice, other]);
    await handOver(alice);
    await fireAllBuckets(campaignId);
    const view = await waitUntilSent(campaignId);
    expect(view.stats).toMatchObject({ targeted: 2, sent: 1, failed: {}, withheld: { owner_changed: 1 } });
    expect(await deliveriesTo(alice)).toEqual([]);
    expect(await deliveriesTo(other)).toHaveLength(1);
    const rows = new Map((await ledger(campaignId)).map((r) => [r.device_id, r]));
    expect(rows.get(alice.deviceId)).toMatchObject({ state: "withheld", last_error: "owner_changed" });
    // The campaign stays in the inbox of the user it was meant for, not the new holder's.
    const inbox = await call("/v1/notifications", { token: alice.user.accessToken });
    expect((await inbox.json<{ items: { campaignId: string }[] }>()).items[0]?.campaignId).toBe(campaignId);
  });

  it("is withheld when a queued (or redelivered) message arrives after the hand-over", async () => {
    const alice = await registerDevice({ platform: "android" });
    const campaignId = await planned([alice]);
    await handOver(alice);
    await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    expect(await deliveriesTo(alice)).toEqual([]);
    expect((await getCampaign(campaignId)).stats).toMatchObject({ sent: 0, withheld: { owner_changed: 1 } });
  });

  it("is withheld on the retry when the hand-over happens between two attempts", async () => {
    const alice = await registerDevice({ platform: "android" });
    await script("fcm", alice.token, [{ status: 503, errorCode: "UNAVAILABLE", retryAfter: 1 }]);
    const campaignId = await planned([alice]);
    const first = await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    expect(first.retryMessages).toHaveLength(1);
    expect((await ledger(campaignId))[0]).toMatchObject({ state: "pending", attempts: 1 });
    await handOver(alice);
    await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    expect(await deliveriesTo(alice)).toEqual([]);
    expect((await ledger(campaignId))[0]).toMatchObject({ state: "withheld", last_error: "owner_changed" });
  });

  it("still sends a retried push exactly once when nothing changed hands", async () => {
    const alice = await registerDevice({ platform: "ios" });
    await script("apns", alice.token, [{ status: 429, reason: "TooManyRequests", retryAfter: 1 }]);
    const campaignId = await planned([alice]);
    await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    expect(await deliveriesTo(alice)).toHaveLength(1);
    expect((await ledger(campaignId))[0]).toMatchObject({ state: "sent", attempts: 2 });
  });

  it("is withheld as token_changed when the device registered another token since", async () => {
    const alice = await registerDevice({ platform: "android" });
    const campaignId = await planned([alice]);
    const res = await call(`/v1/devices/${alice.deviceId}`, {
      method: "PUT",
      token: alice.user.accessToken,
      json: { platform: "android", pushProvider: "fcm", pushToken: `${alice.token}x` },
    });
    expect(res.status).toBe(200);
    await runBatch([{ campaignId, deviceIds: [alice.deviceId] }]);
    expect(await deliveriesTo(alice)).toEqual([]);
    expect(await deliveriesTo({ provider: "fcm", token: `${alice.token}x` })).toEqual([]);
    expect((await getCampaign(campaignId)).stats.withheld).toEqual({ token_changed: 1 });
  });

  it("is withheld as unlinked when the user signed out on the device since", async () => {
    const alice = await registerDevice({ platform: "ios" });
    const campaignId = await planned([alice]);
    expect((await call("/v1/auth/logout", { method: "POST", token: alice.user.accessToken })).status).toBe(
      204,
    );
    await fireAllBuckets(campaignId);
    const view = await waitUntilSent(campaignId);
    expect(view.stats).toMatchObject({ sent: 0, withheld: { unlinked: 1 } });
    expect(await deliveriesTo(alice)).toEqual([]);
  });

  it("reaches the new holder only through a campaign planned for them", async () => {
    const alice = await registerDevice({ platform: "android" });
    const bobId = await handOver(alice);
    const created = await createOk(visible({ target: { userIds: [alice.user.userId, bobId] } }));
    const view = await waitUntilSent(created.id);
    expect(view.stats).toMatchObject({ targeted: 1, sent: 1 });
    expect((await ledger(created.id))[0]).toMatchObject({ user_id: bobId, state: "sent" });
    expect(await deliveriesTo(alice)).toHaveLength(1);
  });
});
