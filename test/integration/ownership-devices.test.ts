import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";
import { put, registration, rowOf } from "./devices-helpers";
import { apnsToken, fcmToken } from "./push-provider-control";

/**
 * Finding 1 of issue 9 as its class: another user's PUT of my device id. The contract (Devices,
 * "Ownership", v1.1): a device row belongs to the user who registered it; only the same push
 * token moves it (the phone changed hands), or the owner having signed out on it.
 */

async function deviceIds(token: string): Promise<string[]> {
  const res = await call("/v1/devices", { token });
  expect(res.status).toBe(200);
  return (await res.json<{ devices: { id: string }[] }>()).devices.map((d) => d.id).sort();
}

describe("another user's PUT of my device id", () => {
  const attempts: [string, () => Record<string, unknown>][] = [
    ["without a push token (the reported attack)", () => ({ platform: "ios" })],
    ["with a push token of its own", () => registration({ topics: ["evil"] })],
    [
      "as an Android device through FCM",
      () => registration({ platform: "android", pushProvider: "fcm", pushToken: fcmToken() }),
    ],
    ["with no topics (trying to wipe mine)", () => registration({ topics: [] })],
  ];
  for (const [how, body] of attempts) {
    it(`is refused with 409 device_owned_elsewhere ${how}, and changes nothing`, async () => {
      const alice = await anonymousUser();
      const mallory = await anonymousUser();
      const phone = crypto.randomUUID();
      expect((await put(alice.accessToken, phone, registration())).status).toBe(200);
      const before = await rowOf(phone);

      const res = await put(mallory.accessToken, phone, body());
      expect(res.status).toBe(409);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect((await res.json<{ code: string }>()).code).toBe("device_owned_elsewhere");

      expect(await rowOf(phone)).toEqual(before);
      expect(await deviceIds(alice.accessToken)).toEqual([phone]);
      expect(await deviceIds(mallory.accessToken)).toEqual([]);
    });
  }

  it("cannot take a device's token away by re-using the id with a token it already holds elsewhere", async () => {
    const alice = await anonymousUser();
    const mallory = await anonymousUser();
    const phone = crypto.randomUUID();
    const malloryPhone = crypto.randomUUID();
    const malloryToken = apnsToken();
    await put(alice.accessToken, phone, registration());
    await put(mallory.accessToken, malloryPhone, registration({ pushToken: malloryToken }));
    const [aliceBefore, malloryBefore] = [await rowOf(phone), await rowOf(malloryPhone)];
    // Refused as a whole: the token move of the same batch does not happen either.
    expect((await put(mallory.accessToken, phone, registration({ pushToken: malloryToken }))).status).toBe(
      409,
    );
    expect(await rowOf(phone)).toEqual(aliceBefore);
    expect(await rowOf(malloryPhone)).toEqual(malloryBefore);
  });

  it("answers DELETE with 404 and leaves the device as it was", async () => {
    const alice = await anonymousUser();
    const mallory = await anonymousUser();
    const phone = crypto.randomUUID();
    await put(alice.accessToken, phone, registration());
    const before = await rowOf(phone);
    const res = await call(`/v1/devices/${phone}`, { method: "DELETE", token: mallory.accessToken });
    expect(res.status).toBe(404);
    expect(await rowOf(phone)).toEqual(before);
  });

  it("refuses ids too short to be an install id (under 16 characters)", async () => {
    const user = await anonymousUser();
    expect((await put(user.accessToken, "a1b2c3d4", registration())).status).toBe(400);
    expect((await put(user.accessToken, "a1b2c3d4e5f6a7b8", registration())).status).toBe(200);
  });
});

describe("legitimate moves", () => {
  it("moves a phone handed to a new user who presents its push token, with the new user's topics", async () => {
    const alice = await anonymousUser();
    const bob = await anonymousUser();
    const phone = crypto.randomUUID();
    const pushToken = apnsToken();
    await put(alice.accessToken, phone, registration({ pushToken }));
    const res = await put(bob.accessToken, phone, registration({ pushToken, topics: ["sport"] }));
    expect(res.status).toBe(200);
    expect(await deviceIds(alice.accessToken)).toEqual([]);
    expect(await deviceIds(bob.accessToken)).toEqual([phone]);
    expect((await rowOf(phone)).topics).toEqual(["sport"]);
  });

  it("lets a user with two phones keep both", async () => {
    const alice = await anonymousUser();
    const [phone, tablet] = [crypto.randomUUID(), crypto.randomUUID()];
    await put(alice.accessToken, phone, registration());
    await put(
      alice.accessToken,
      tablet,
      registration({ platform: "android", pushProvider: "fcm", pushToken: fcmToken() }),
    );
    // Re-registering either leaves the other alone.
    await put(alice.accessToken, phone, registration());
    expect(await deviceIds(alice.accessToken)).toEqual([phone, tablet].sort());
    const tokens = await env.DB.prepare("SELECT push_token FROM devices WHERE user_id = ?")
      .bind(alice.userId)
      .all<{ push_token: string | null }>();
    expect(tokens.results.every((r) => r.push_token !== null)).toBe(true);
  });

  it("lets the next user who signs in register a device its owner signed out on", async () => {
    const phone = crypto.randomUUID();
    const alice = await anonymousUser(phone);
    await put(alice.accessToken, phone, registration());
    expect((await call("/v1/auth/logout", { method: "POST", token: alice.accessToken })).status).toBe(204);
    // Bob signs in on the phone and registers it, here without notifications.
    const bob = await anonymousUser(phone);
    const res = await put(bob.accessToken, phone, { platform: "ios" });
    expect(res.status).toBe(200);
    expect(await deviceIds(bob.accessToken)).toEqual([phone]);
    expect((await rowOf(phone)).row).toMatchObject({ user_id: bob.userId, unlinked_at: null });
  });

  it("does not let a sign-in with someone else's device id, then a sign-out, free their device", async () => {
    const phone = crypto.randomUUID();
    const alice = await anonymousUser(phone);
    await put(alice.accessToken, phone, registration());
    const mallory = await anonymousUser(phone);
    await call("/v1/auth/logout", { method: "POST", token: mallory.accessToken });
    expect((await rowOf(phone)).row).toMatchObject({ user_id: alice.userId, unlinked_at: null });
    expect((await put(mallory.accessToken, phone, { platform: "ios" })).status).toBe(401);
    const fresh = await anonymousUser();
    expect((await put(fresh.accessToken, phone, { platform: "ios" })).status).toBe(409);
  });
});
