import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sendSilentSyncPushes } from "../../worker/sync/silent-push";
import { anonymousUser, call, mintIdToken } from "../setup/http";
import { createOk, deliveriesTo, visible, waitUntilSent } from "./push-campaign-helpers";
import { fcmToken } from "./push-provider-control";
import { createSpace, newClientId, pushOk, putTask } from "./sync-helpers";

/**
 * "Also noticed" in issue 9 as its class: a session that ends (logout, DELETE
 * /v1/sessions/{id}, refresh-token reuse) unlinks the device it signed in from, so that user's
 * campaign and silent pushes stop reaching it until they sign in on it again. And silent pushes
 * re-check at send time that the device is still a member's.
 */

interface Session {
  accessToken: string;
  refreshToken: string;
  userId: string;
}

/** Signs `sub` in on a device through the fake OIDC issuer: the device id in the body or header. */
async function signIn(sub: string, deviceId: string, via: "body" | "header" = "body"): Promise<Session> {
  const idToken = await mintIdToken({ sub });
  const res = await call("/v1/auth/oidc", {
    method: "POST",
    headers: via === "header" ? { "X-Device-Id": deviceId } : {},
    json: { provider: env.OIDC_PROVIDER_NAME, idToken, ...(via === "body" ? { deviceId } : {}) },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = await res.json<{ accessToken: string; refreshToken: string; user: { id: string } }>();
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: body.user.id };
}

/** Registers an Android phone with a fresh FCM token; returns what the fake records it under. */
async function registerPhone(accessToken: string, deviceId: string) {
  const token = fcmToken();
  const res = await call(`/v1/devices/${deviceId}`, {
    method: "PUT",
    token: accessToken,
    json: { platform: "android", pushProvider: "fcm", pushToken: token },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return { deviceId, provider: "fcm" as const, token };
}

async function campaignTo(userId: string) {
  const created = await createOk(visible({ target: { userIds: [userId] } }));
  return (await waitUntilSent(created.id)).stats;
}

const logout = (accessToken: string) => call("/v1/auth/logout", { method: "POST", token: accessToken });
const refresh = (refreshToken: string) =>
  call("/v1/auth/refresh", { method: "POST", json: { refreshToken } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function unlinkedAt(deviceId: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT unlinked_at FROM devices WHERE id = ?")
    .bind(deviceId)
    .first<{ unlinked_at: number | null }>();
  return row?.unlinked_at ?? null;
}

describe("ending a session unlinks the device it signed in from", () => {
  it("logout stops campaign pushes to that phone; signing in on it again restores them", async () => {
    const sub = `alice-${crypto.randomUUID()}`;
    const phone = crypto.randomUUID();
    const first = await signIn(sub, phone);
    const device = await registerPhone(first.accessToken, phone);
    expect((await logout(first.accessToken)).status).toBe(204);
    expect(await unlinkedAt(phone)).not.toBeNull();
    // The row stays the user's (GET /v1/devices after signing in again shows it).
    expect(await campaignTo(first.userId)).toMatchObject({ targeted: 0, sent: 0 });
    expect(await deliveriesTo(device)).toEqual([]);

    const again = await signIn(sub, phone);
    expect(again.userId).toBe(first.userId);
    expect(await unlinkedAt(phone)).toBeNull();
    expect(await campaignTo(first.userId)).toMatchObject({ targeted: 1, sent: 1 });
    expect(await deliveriesTo(device)).toHaveLength(1);
  });

  it("DELETE /v1/sessions/{id} from the tablet signs the phone out of pushes, and only the phone", async () => {
    const sub = `alice-${crypto.randomUUID()}`;
    const [phoneId, tabletId] = [crypto.randomUUID(), crypto.randomUUID()];
    const onPhone = await signIn(sub, phoneId);
    const onTablet = await signIn(sub, tabletId, "header");
    const phone = await registerPhone(onPhone.accessToken, phoneId);
    const tablet = await registerPhone(onTablet.accessToken, tabletId);
    const sessions = await (
      await call("/v1/sessions", { token: onTablet.accessToken })
    ).json<{ id: string; deviceId: string | null }[]>();
    const phoneSession = sessions.find((s) => s.deviceId === phoneId);
    expect(sessions.find((s) => s.deviceId === tabletId)).toBeDefined();
    expect(phoneSession).toBeDefined();
    const res = await call(`/v1/sessions/${phoneSession?.id}`, {
      method: "DELETE",
      token: onTablet.accessToken,
    });
    expect(res.status).toBe(204);
    expect(await campaignTo(onPhone.userId)).toMatchObject({ targeted: 1, sent: 1 });
    expect(await deliveriesTo(phone)).toEqual([]);
    expect(await deliveriesTo(tablet)).toHaveLength(1);
  });

  it("a reused refresh token revokes the family and unlinks its device, known through every refresh", async () => {
    const sub = `alice-${crypto.randomUUID()}`;
    const phoneId = crypto.randomUUID();
    const session = await signIn(sub, phoneId);
    const phone = await registerPhone(session.accessToken, phoneId);
    const r1 = await refresh(session.refreshToken);
    expect(r1.status).toBe(200);
    const pair1 = await r1.json<{ accessToken: string; refreshToken: string }>();
    const listed = await (
      await call("/v1/sessions", { token: pair1.accessToken })
    ).json<{ deviceId: string | null; current: boolean }[]>();
    expect(listed.find((s) => s.current)?.deviceId).toBe(phoneId);
    expect((await refresh(pair1.refreshToken)).status).toBe(200);
    await sleep(50);
    // A thief replays the first token (an older generation, outside any grace).
    const reused = await refresh(session.refreshToken);
    expect(reused.status).toBe(401);
    expect((await reused.json<{ code: string }>()).code).toBe("refresh_token_reused");
    expect(await unlinkedAt(phoneId)).not.toBeNull();
    expect(await campaignTo(session.userId)).toMatchObject({ targeted: 0 });
    expect(await deliveriesTo(phone)).toEqual([]);
  });

  it("never unlinks another user's device: only the session user's own row", async () => {
    const phoneId = crypto.randomUUID();
    const alice = await signIn(`alice-${crypto.randomUUID()}`, phoneId);
    await registerPhone(alice.accessToken, phoneId);
    const mallory = await signIn(`mallory-${crypto.randomUUID()}`, phoneId);
    expect((await logout(mallory.accessToken)).status).toBe(204);
    expect(await unlinkedAt(phoneId)).toBeNull();
    expect(await campaignTo(alice.userId)).toMatchObject({ targeted: 1, sent: 1 });
  });
});

describe("silent sync pushes", () => {
  /** Alice on her phone (a push target) and her tablet (the writer), in a space of hers. */
  async function aliceWithSpace() {
    const sub = `alice-${crypto.randomUUID()}`;
    const [phoneId, tabletId] = [crypto.randomUUID(), crypto.randomUUID()];
    const onPhone = await signIn(sub, phoneId);
    const onTablet = await signIn(sub, tabletId);
    const phone = await registerPhone(onPhone.accessToken, phoneId);
    const writer = { token: onTablet.accessToken, deviceId: tabletId };
    const spaceId = await createSpace(writer);
    return { sub, onPhone, phone, writer, spaceId, clientId: newClientId() };
  }

  /** Forgets the space's 20-minute throttle marks, so the next change wakes devices at once. */
  async function forgetThrottle(spaceId: string) {
    const stub = env.SYNC_SPACE.get(env.SYNC_SPACE.idFromName(spaceId));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM push_marks");
    });
  }

  it("stop after logout on the phone and come back after signing in on it again", async () => {
    const { sub, onPhone, phone, writer, spaceId, clientId } = await aliceWithSpace();
    expect((await logout(onPhone.accessToken)).status).toBe(204);
    await pushOk(writer, spaceId, clientId, [putTask(1, "a", { title: "a", done: false })]);
    await sleep(800);
    expect(await deliveriesTo(phone)).toEqual([]);

    await signIn(sub, phone.deviceId);
    await forgetThrottle(spaceId);
    await pushOk(writer, spaceId, clientId, [putTask(2, "b", { title: "b", done: false })]);
    for (let i = 0; i < 40 && (await deliveriesTo(phone)).length === 0; i++) await sleep(100);
    expect(await deliveriesTo(phone)).toHaveLength(1);
  });

  it("go nowhere once the phone changed hands", async () => {
    const { phone, writer, spaceId, clientId } = await aliceWithSpace();
    const bob = await anonymousUser(phone.deviceId);
    const moved = await call(`/v1/devices/${phone.deviceId}`, {
      method: "PUT",
      token: bob.accessToken,
      json: { platform: "android", pushProvider: "fcm", pushToken: phone.token },
    });
    expect(moved.status).toBe(200);
    await pushOk(writer, spaceId, clientId, [putTask(1, "a", { title: "secret", done: false })]);
    await sleep(800);
    expect(await deliveriesTo(phone)).toEqual([]);
  });

  it("are checked at send time: a push owed to a device before it changed hands is not sent", async () => {
    const { phone, spaceId } = await aliceWithSpace();
    await anonymousUser(phone.deviceId).then((bob) =>
      call(`/v1/devices/${phone.deviceId}`, {
        method: "PUT",
        token: bob.accessToken,
        json: { platform: "android", pushProvider: "fcm", pushToken: phone.token },
      }),
    );
    // The sync engine picked the device while it was still Alice's; the send comes after.
    const { throttled } = await sendSilentSyncPushes(env, [phone.deviceId], { spaceId, version: 1 });
    expect(throttled).toEqual([]);
    expect(await deliveriesTo(phone)).toEqual([]);
    // Alice's own linked device in the same call still gets it.
    const { phone: other, spaceId: otherSpace } = await aliceWithSpace();
    await sendSilentSyncPushes(env, [other.deviceId], { spaceId: otherSpace, version: 1 });
    expect(await deliveriesTo(other)).toHaveLength(1);
  });
});
