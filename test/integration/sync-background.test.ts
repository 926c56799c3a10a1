import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";
import { addMember, createSpace, newClientId, pushOk, putTask, waitFor } from "./sync-helpers";

/** Silent pushes as the fake FCM/APNs received them (control API of test/fakes). */
interface Delivery {
  provider: "fcm" | "apns";
  token: string;
  headers: Record<string, string>;
  summary: { silent: boolean; data: Record<string, unknown>; priority: string | null };
}

async function deliveries(provider: "fcm" | "apns", token: string): Promise<Delivery[]> {
  const res = await fetch(
    `${env.FAKES_CONTROL_URL}/deliveries?provider=${provider}&token=${encodeURIComponent(token)}`,
  );
  expect(res.status).toBe(200);
  return res.json<Delivery[]>();
}

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
const fcmToken = () => `fcm-${crypto.randomUUID()}:${hex(20)}`;
const apnsToken = () => hex(32);

async function register(
  token: string,
  deviceId: string,
  platform: "ios" | "android",
  pushProvider: "fcm" | "apns",
  pushToken: string,
): Promise<void> {
  const res = await call(`/v1/devices/${deviceId}`, {
    method: "PUT",
    token,
    json: { platform, pushProvider, pushToken },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("background sync by silent push", () => {
  it("wakes each offline member device once per 20 minutes, never the changing device nor one with a socket", async () => {
    const owner = await anonymousUser();
    const member = await anonymousUser();
    const origin = { deviceId: owner.deviceId, token: fcmToken() };
    const ownerIpad = { deviceId: crypto.randomUUID(), token: apnsToken() };
    const memberPhone = { deviceId: member.deviceId, token: fcmToken() };
    const memberOnline = { deviceId: crypto.randomUUID(), token: fcmToken() };
    await register(owner.accessToken, origin.deviceId, "android", "fcm", origin.token);
    await register(owner.accessToken, ownerIpad.deviceId, "ios", "apns", ownerIpad.token);
    await register(member.accessToken, memberPhone.deviceId, "android", "fcm", memberPhone.token);
    await register(member.accessToken, memberOnline.deviceId, "android", "fcm", memberOnline.token);

    const spaceId = await createSpace({ token: owner.accessToken });
    await addMember({ token: owner.accessToken }, spaceId, member.userId, "editor");
    const socket = await exports.default.fetch(
      new Request(`http://outpost.test/v1/sync/${spaceId}/socket`, {
        headers: {
          Upgrade: "websocket",
          Authorization: `Bearer ${member.accessToken}`,
          "X-Device-Id": memberOnline.deviceId,
        },
      }),
    );
    expect(socket.status).toBe(101);
    socket.webSocket?.accept();

    const writer = { token: owner.accessToken, deviceId: origin.deviceId };
    const clientId = newClientId();
    await pushOk(writer, spaceId, clientId, [putTask(1, "a", { title: "a", done: false })]);
    await waitFor(
      async () =>
        (await deliveries("apns", ownerIpad.token)).length === 1 &&
        (await deliveries("fcm", memberPhone.token)).length === 1,
      "the first background pushes",
    );
    // More changes inside the window: no more pushes yet (they are owed, not lost).
    await pushOk(writer, spaceId, clientId, [putTask(2, "b", { title: "b", done: false })]);
    await pushOk(writer, spaceId, clientId, [putTask(3, "c", { title: "c", done: false })]);
    await new Promise((r) => setTimeout(r, 500));

    const [ipad, phone] = [
      await deliveries("apns", ownerIpad.token),
      await deliveries("fcm", memberPhone.token),
    ];
    expect(ipad).toHaveLength(1);
    expect(phone).toHaveLength(1);
    expect(await deliveries("fcm", origin.token)).toEqual([]);
    expect(await deliveries("fcm", memberOnline.token)).toEqual([]);
    expect(ipad[0]?.headers["apns-push-type"]).toBe("background");
    expect(ipad[0]?.headers["apns-priority"]).toBe("5");
    for (const d of [ipad[0], phone[0]]) {
      expect(d?.summary.silent).toBe(true);
      expect(d?.summary.data).toMatchObject({ spaceId, version: "1" });
    }

    // Twenty minutes later (clocks wound back on both sides of the throttle), the alarm sends
    // what was owed: one push each, carrying the latest version.
    const stub = env.SYNC_SPACE.get(env.SYNC_SPACE.idFromName(spaceId));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE push_marks SET last_push_at = last_push_at - ?", 21 * 60_000);
    });
    await env.DB.prepare(
      "UPDATE silent_push_log SET last_sent_at = last_sent_at - ? WHERE device_id IN (?, ?)",
    )
      .bind(21 * 60_000, ownerIpad.deviceId, memberPhone.deviceId)
      .run();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await waitFor(
      async () =>
        (await deliveries("apns", ownerIpad.token)).length === 2 &&
        (await deliveries("fcm", memberPhone.token)).length === 2,
      "the owed background pushes",
    );
    expect((await deliveries("fcm", memberPhone.token))[0]?.summary.data).toMatchObject({ version: "3" });
    expect(await deliveries("fcm", origin.token)).toEqual([]);
    expect(await deliveries("fcm", memberOnline.token)).toEqual([]);
    socket.webSocket?.close(1000, "bye");
  });

  it("owes, rather than drops, a push whose device another space woke inside the window", async () => {
    const owner = await anonymousUser();
    const member = await anonymousUser();
    const phone = { deviceId: member.deviceId, token: fcmToken() };
    await register(member.accessToken, phone.deviceId, "android", "fcm", phone.token);
    const [spaceA, spaceB] = [
      await createSpace({ token: owner.accessToken }),
      await createSpace({ token: owner.accessToken }),
    ];
    await addMember({ token: owner.accessToken }, spaceA, member.userId, "editor");
    await addMember({ token: owner.accessToken }, spaceB, member.userId, "editor");
    const writer = { token: owner.accessToken, deviceId: owner.deviceId };

    await pushOk(writer, spaceA, newClientId(), [putTask(1, "a", { title: "a", done: false })]);
    await waitFor(async () => (await deliveries("fcm", phone.token)).length === 1, "space A's push");
    // Space B changes inside the device's shared 20-minute slot: nothing is sent now...
    await pushOk(writer, spaceB, newClientId(), [putTask(1, "b", { title: "b", done: false })]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await deliveries("fcm", phone.token)).toHaveLength(1);

    // ...but B owes it: when the window has passed, B's alarm sends it.
    const stubB = env.SYNC_SPACE.get(env.SYNC_SPACE.idFromName(spaceB));
    const owed = await runInDurableObject(stubB, (_instance, state) =>
      state.storage.sql
        .exec<{ owed_version: number | null }>(
          "SELECT owed_version FROM push_marks WHERE device_id = ?",
          phone.deviceId,
        )
        .one(),
    );
    expect(owed.owed_version).toBe(1);
    await runInDurableObject(stubB, (_instance, state) => {
      state.storage.sql.exec("UPDATE push_marks SET last_push_at = last_push_at - ?", 21 * 60_000);
    });
    await env.DB.prepare("UPDATE silent_push_log SET last_sent_at = last_sent_at - ? WHERE device_id = ?")
      .bind(21 * 60_000, phone.deviceId)
      .run();
    expect(await runDurableObjectAlarm(stubB)).toBe(true);
    await waitFor(async () => (await deliveries("fcm", phone.token)).length === 2, "space B's owed push");
    expect((await deliveries("fcm", phone.token))[0]?.summary.data).toMatchObject({
      spaceId: spaceB,
      version: "1",
    });
  });

  it("wakes a device that registered its push token moments after the space last changed", async () => {
    const owner = await anonymousUser();
    const member = await anonymousUser();
    const spaceId = await createSpace({ token: owner.accessToken });
    await addMember({ token: owner.accessToken }, spaceId, member.userId, "editor");
    const writer = { token: owner.accessToken, deviceId: owner.deviceId };
    const clientId = newClientId();
    await pushOk(writer, spaceId, clientId, [putTask(1, "a", { title: "a", done: false })]);

    const phone = { deviceId: member.deviceId, token: fcmToken() };
    await register(member.accessToken, phone.deviceId, "android", "fcm", phone.token);
    await pushOk(writer, spaceId, clientId, [putTask(2, "b", { title: "b", done: false })]);
    await waitFor(async () => (await deliveries("fcm", phone.token)).length === 1, "the new device's push");
    expect((await deliveries("fcm", phone.token))[0]?.summary.data).toMatchObject({ version: "2" });
  });
});
