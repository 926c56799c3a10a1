import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call, type SignedIn } from "../setup/http";
import { addMember, createSpace, pullAll, pullOk, pushOk, putTask, waitFor } from "./sync-helpers";

/** Silent pushes the fake FCM received for a token (control API of test/fakes). */
async function fcmDeliveries(token: string): Promise<{ summary: { data: Record<string, unknown> } }[]> {
  const res = await fetch(
    `${env.FAKES_CONTROL_URL}/deliveries?provider=fcm&token=${encodeURIComponent(token)}`,
  );
  expect(res.status).toBe(200);
  return res.json();
}

/** A phone with a push token, registered by its user. */
async function phone(user: SignedIn): Promise<{ deviceId: string; token: string }> {
  const token = `fcm-${crypto.randomUUID()}`;
  const res = await call(`/v1/devices/${user.deviceId}`, {
    method: "PUT",
    token: user.accessToken,
    json: { platform: "android", pushProvider: "fcm", pushToken: token },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return { deviceId: user.deviceId, token };
}

/** A shared space with the owner, a victim and an attacker (both editors). */
async function team(): Promise<{ owner: SignedIn; victim: SignedIn; attacker: SignedIn; spaceId: string }> {
  const [owner, victim, attacker] = [await anonymousUser(), await anonymousUser(), await anonymousUser()];
  const spaceId = await createSpace({ token: owner.accessToken });
  await addMember({ token: owner.accessToken }, spaceId, victim.userId, "editor");
  await addMember({ token: owner.accessToken }, spaceId, attacker.userId, "editor");
  return { owner, victim, attacker, spaceId };
}

describe("device ids that are not the caller's are ignored", () => {
  it("does not count the victim's device as live when another member opens a socket under its id", async () => {
    const { owner, victim, attacker, spaceId } = await team();
    const victimPhone = await phone(victim);
    const spoofs: { headers: Record<string, string>; query: string }[] = [
      { headers: { "X-Device-Id": victimPhone.deviceId }, query: "" },
      { headers: {}, query: `&deviceId=${victimPhone.deviceId}` },
    ];
    for (const spoof of spoofs) {
      const res = await exports.default.fetch(
        new Request(
          `http://outpost.test/v1/sync/${spaceId}/socket?token=${attacker.accessToken}${spoof.query}`,
          {
            headers: { Upgrade: "websocket", ...spoof.headers },
          },
        ),
      );
      // The attacker still gets a socket of their own: only the device id is ignored.
      expect(res.status).toBe(101);
      res.webSocket?.accept();
    }
    const out = await pushOk({ token: owner.accessToken }, spaceId, "owner-client", [
      putTask(1, "a", { title: "a", done: false }),
    ]);
    await waitFor(
      async () => (await fcmDeliveries(victimPhone.token)).length === 1,
      "the victim's silent push",
    );
    expect((await fcmDeliveries(victimPhone.token))[0]?.summary.data).toMatchObject({
      spaceId,
      version: String(out.version),
    });
  });

  it("does not make the victim's device the writer when another member pushes under its id", async () => {
    const { victim, attacker, spaceId } = await team();
    const victimPhone = await phone(victim);
    await pushOk(
      { token: attacker.accessToken, deviceId: victimPhone.deviceId },
      spaceId,
      "attacker-client",
      [putTask(1, "a", { title: "a", done: false })],
    );
    // The change is not the victim's own: their phone is woken for it.
    await waitFor(
      async () => (await fcmDeliveries(victimPhone.token)).length === 1,
      "the victim's silent push",
    );
    const row = await env.DB.prepare(
      "SELECT device_id AS deviceId FROM sync_clients WHERE space_id = ? AND user_id = ?",
    )
      .bind(spaceId, attacker.userId)
      .first<{ deviceId: string | null }>();
    expect(row).toEqual({ deviceId: null });
  });

  it("still treats a member's own device as the writer (never woken for its own change)", async () => {
    const { owner, victim, spaceId } = await team();
    const ownerPhone = await phone(owner);
    const victimPhone = await phone(victim);
    await pushOk({ token: owner.accessToken, deviceId: ownerPhone.deviceId }, spaceId, "owner-client", [
      putTask(1, "a", { title: "a", done: false }),
    ]);
    await waitFor(
      async () => (await fcmDeliveries(victimPhone.token)).length === 1,
      "the other member's push",
    );
    expect(await fcmDeliveries(ownerPhone.token)).toEqual([]);
    const row = await env.DB.prepare(
      "SELECT device_id AS deviceId FROM sync_clients WHERE space_id = ? AND user_id = ?",
    )
      .bind(spaceId, owner.userId)
      .first<{ deviceId: string | null }>();
    expect(row).toEqual({ deviceId: ownerPhone.deviceId });
  });
});

describe("client ids are scoped per user", () => {
  it("lets a victim sync with the client id an attacker used first in the same space", async () => {
    const { victim, attacker, spaceId } = await team();
    // The attacker squats the README's client id and runs its mutation ids far ahead.
    await pushOk(
      { token: attacker.accessToken },
      spaceId,
      "cli-1",
      Array.from({ length: 5 }, (_, i) => putTask(i + 1, `x${i}`, { title: "squat", done: false })),
    );
    const first = await pushOk({ token: victim.accessToken }, spaceId, "cli-1", [
      putTask(1, "mine", { title: "mine", done: false }),
    ]);
    expect(first).toMatchObject({ lastMutationId: 1 });
    expect(first.results).toMatchObject([{ id: 1, status: "applied" }]);
    // Neither sees the other's position; the attacker's next id is still 6, the victim's 2.
    expect((await pullOk({ token: victim.accessToken }, spaceId, "clientId=cli-1")).lastMutationId).toBe(1);
    expect((await pullOk({ token: attacker.accessToken }, spaceId, "clientId=cli-1")).lastMutationId).toBe(5);
    const gap = await call(`/v1/sync/${spaceId}/push`, {
      method: "POST",
      token: attacker.accessToken,
      json: { clientId: "cli-1", mutations: [putTask(2, "mine", { title: "overwritten", done: true })] },
    });
    // Id 2 is a retry for the attacker's client (already applied), not the victim's next mutation.
    expect((await gap.json<{ results: unknown[] }>()).results).toEqual([]);
    const { changes } = await pullAll({ token: victim.accessToken }, spaceId);
    expect(changes.find((c) => c.key === "mine")?.value).toEqual({ title: "mine", done: false });
  });
});
