import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, call } from "../setup/http";
import { put, registration, rowOf } from "./devices-helpers";
import { apnsToken, fcmToken } from "./push-provider-control";

interface Device {
  id: string;
  platform: string;
  pushProvider: string | null;
  pushToken: string | null;
  pushTokenUpdatedAt: number | null;
  pushTokenInvalidAt: number | null;
  appVersion: string | null;
  locale: string | null;
  timezone: string | null;
  topics: string[];
  createdAt: number;
  updatedAt: number;
}

async function listDevices(token: string): Promise<Device[]> {
  const res = await call("/v1/devices", { token });
  expect(res.status).toBe(200);
  return (await res.json<{ devices: Device[] }>()).devices;
}

describe("PUT /v1/devices/{deviceId}", () => {
  it("registers a device and answers 200 with the device", async () => {
    const user = await anonymousUser();
    const deviceId = crypto.randomUUID();
    const body = registration({ topics: ["news", "sport", "news"] });
    const res = await put(user.accessToken, deviceId, body);
    expect(res.status).toBe(200);
    const device = await res.json<Device>();
    expect(device).toMatchObject({
      id: deviceId,
      platform: "ios",
      pushProvider: "apns",
      pushToken: body.pushToken,
      appVersion: "3.2.1",
      locale: "de-CH",
      timezone: "Europe/Zurich",
      topics: ["news", "sport"],
      pushTokenInvalidAt: null,
    });
    expect(device.pushTokenUpdatedAt).toBeTypeOf("number");
    const { row } = await rowOf(deviceId);
    expect(row).toMatchObject({ user_id: user.userId, app_version_key: 3e12 + 2e6 + 1 });
  });

  it("is idempotent: the same PUT twice leaves one device with the same content", async () => {
    const user = await anonymousUser();
    const deviceId = crypto.randomUUID();
    const body = registration();
    const first = await (await put(user.accessToken, deviceId, body)).json<Device>();
    const second = await put(user.accessToken, deviceId, body);
    expect(second.status).toBe(200);
    const again = await second.json<Device>();
    expect({ ...again, updatedAt: 0, pushTokenUpdatedAt: 0 }).toEqual({
      ...first,
      updatedAt: 0,
      pushTokenUpdatedAt: 0,
    });
    expect(again.createdAt).toBe(first.createdAt);
    expect(await listDevices(user.accessToken)).toHaveLength(1);
  });

  it("replaces the registration: topics and fields left out are cleared", async () => {
    const user = await anonymousUser();
    const deviceId = crypto.randomUUID();
    await put(user.accessToken, deviceId, registration({ topics: ["a", "b"] }));
    const res = await put(user.accessToken, deviceId, { platform: "ios", topics: ["c"] });
    expect(res.status).toBe(200);
    expect(await res.json<Device>()).toMatchObject({
      pushProvider: null,
      pushToken: null,
      appVersion: null,
      topics: ["c"],
    });
    expect((await rowOf(deviceId)).topics).toEqual(["c"]);
  });

  it("accepts iOS devices that receive pushes through FCM", async () => {
    const user = await anonymousUser();
    const res = await put(
      user.accessToken,
      crypto.randomUUID(),
      registration({ pushProvider: "fcm", pushToken: fcmToken() }),
    );
    expect(res.status).toBe(200);
    expect((await res.json<Device>()).pushProvider).toBe("fcm");
  });

  it("stores canonical spellings of the locale, time zone and APNs token", async () => {
    const user = await anonymousUser();
    const token = apnsToken().toUpperCase();
    const res = await put(
      user.accessToken,
      crypto.randomUUID(),
      registration({ locale: "de-ch", timezone: "europe/zurich", pushToken: token }),
    );
    expect(res.status).toBe(200);
    expect(await res.json<Device>()).toMatchObject({
      locale: "de-CH",
      timezone: "Europe/Zurich",
      pushToken: token.toLowerCase(),
    });
  });

  it("moves a push token registered by another user to the new user; the old row loses it", async () => {
    const alice = await anonymousUser();
    const bob = await anonymousUser();
    const token = apnsToken();
    const aliceDevice = crypto.randomUUID();
    const bobDevice = crypto.randomUUID();
    expect((await put(alice.accessToken, aliceDevice, registration({ pushToken: token }))).status).toBe(200);
    const res = await put(bob.accessToken, bobDevice, registration({ pushToken: token }));
    expect(res.status).toBe(200);
    expect((await res.json<Device>()).pushToken).toBe(token);
    const [aliceRow] = await listDevices(alice.accessToken);
    expect(aliceRow).toMatchObject({ id: aliceDevice, pushToken: null, pushProvider: null });
    const holders = await env.DB.prepare("SELECT id, user_id FROM devices WHERE push_token = ?")
      .bind(token)
      .all<{ id: string; user_id: string }>();
    expect(holders.results).toEqual([{ id: bobDevice, user_id: bob.userId }]);
  });

  it("moves a push token to another device of the same user", async () => {
    const user = await anonymousUser();
    const token = fcmToken();
    const oldDevice = crypto.randomUUID();
    const newDevice = crypto.randomUUID();
    await put(
      user.accessToken,
      oldDevice,
      registration({ platform: "android", pushProvider: "fcm", pushToken: token }),
    );
    await put(
      user.accessToken,
      newDevice,
      registration({ platform: "android", pushProvider: "fcm", pushToken: token }),
    );
    const devices = await listDevices(user.accessToken);
    expect(devices.find((d) => d.id === oldDevice)?.pushToken).toBeNull();
    expect(devices.find((d) => d.id === newDevice)?.pushToken).toBe(token);
  });

  it("moves the same install to a new account that presents its push token (the phone changed hands)", async () => {
    const first = await anonymousUser();
    const second = await anonymousUser();
    const deviceId = crypto.randomUUID();
    const pushToken = apnsToken();
    await put(first.accessToken, deviceId, registration({ pushToken, topics: ["old"] }));
    const res = await put(second.accessToken, deviceId, registration({ pushToken, topics: ["new"] }));
    expect(res.status).toBe(200);
    expect(await listDevices(first.accessToken)).toEqual([]);
    const [device] = await listDevices(second.accessToken);
    expect(device).toMatchObject({ id: deviceId, pushToken, topics: ["new"] });
  });

  it("clears pushTokenInvalidAt when the token is registered again", async () => {
    const user = await anonymousUser();
    const deviceId = crypto.randomUUID();
    const body = registration();
    await put(user.accessToken, deviceId, body);
    await env.DB.prepare("UPDATE devices SET push_token_invalid_at = 123 WHERE id = ?").bind(deviceId).run();
    expect((await listDevices(user.accessToken))[0]?.pushTokenInvalidAt).toBe(123);
    const res = await put(user.accessToken, deviceId, body);
    expect((await res.json<Device>()).pushTokenInvalidAt).toBeNull();
    expect((await rowOf(deviceId)).row).toMatchObject({ push_token_invalid_at: null });
  });

  it("needs an access token", async () => {
    const deviceId = crypto.randomUUID();
    const res = await call(`/v1/devices/${deviceId}`, { method: "PUT", json: registration() });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain("invalid_token");
    expect((await rowOf(deviceId)).row).toBeNull();
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["an unknown platform", { platform: "windows" }, "platform"],
    ["an unknown push provider", { pushProvider: "webpush" }, "pushProvider"],
    ["APNs on an Android device", { platform: "android" }, "pushProvider"],
    ["a token without a provider", { pushProvider: null }, "pushProvider"],
    ["a provider without a token", { pushToken: null }, "pushToken"],
    ["an APNs token that is not hex", { pushToken: "z".repeat(64) }, "pushToken"],
    [
      "an FCM token with spaces",
      { pushProvider: "fcm", pushToken: "has spaces in it, not a token at all" },
      "pushToken",
    ],
    ["an empty push token", { pushToken: "" }, "pushToken"],
    ["an app version that is not semver", { appVersion: "3.2" }, "appVersion"],
    ["a junk locale", { locale: "not a locale" }, "locale"],
    ["a locale with an empty subtag", { locale: "de--CH" }, "locale"],
    ["a UTC offset as time zone", { timezone: "+02:00" }, "timezone"],
    ["a made-up time zone", { timezone: "Mars/Olympus_Mons" }, "timezone"],
    ["a GMT offset that is not an IANA name", { timezone: "GMT+2" }, "timezone"],
    ["more than 50 topics", { topics: Array.from({ length: 51 }, (_, i) => `t${i}`) }, "topics"],
    ["a topic with a slash", { topics: ["a/b"] }, "topics.0"],
    ["a topic longer than 64", { topics: ["x".repeat(65)] }, "topics.0"],
    ["an empty topic", { topics: [""] }, "topics.0"],
    ["an unknown field", { color: "blue" }, ""],
    ["a missing platform", { platform: undefined }, "platform"],
  ];

  for (const [what, overrides, path] of invalid) {
    it(`refuses ${what} with 400 invalid_body and changes nothing`, async () => {
      const user = await anonymousUser();
      const deviceId = crypto.randomUUID();
      const original = registration({ topics: ["keep"] });
      expect((await put(user.accessToken, deviceId, original)).status).toBe(200);
      const before = await rowOf(deviceId);
      const res = await put(user.accessToken, deviceId, registration(overrides));
      expect(res.status).toBe(400);
      const problem = await res.json<{ code: string; errors: { path: string }[] }>();
      expect(problem.code).toBe("invalid_body");
      expect(problem.errors.map((e) => e.path)).toContain(path);
      expect(await rowOf(deviceId)).toEqual(before);
    });
  }

  it("accepts exactly 50 topics (the limit)", async () => {
    const user = await anonymousUser();
    const topics = Array.from({ length: 50 }, (_, i) => `topic-${i}_~.%`);
    const res = await put(user.accessToken, crypto.randomUUID(), registration({ topics }));
    expect(res.status).toBe(200);
    expect((await res.json<Device>()).topics).toHaveLength(50);
  });

  it("refuses a malformed device id in the path and stores nothing", async () => {
    const user = await anonymousUser();
    for (const id of ["short", "a".repeat(15), "has_underscore_and_more"]) {
      const res = await put(user.accessToken, id, registration());
      expect(res.status, id).toBe(400);
    }
    expect(await listDevices(user.accessToken)).toEqual([]);
  });
});

describe("GET /v1/devices", () => {
  it("lists only the caller's devices", async () => {
    const alice = await anonymousUser();
    const bob = await anonymousUser();
    const a1 = crypto.randomUUID();
    const a2 = crypto.randomUUID();
    await put(alice.accessToken, a1, registration());
    await put(
      alice.accessToken,
      a2,
      registration({ platform: "android", pushProvider: "fcm", pushToken: fcmToken() }),
    );
    await put(bob.accessToken, crypto.randomUUID(), registration());
    const ids = (await listDevices(alice.accessToken)).map((d) => d.id).sort();
    expect(ids).toEqual([a1, a2].sort());
  });

  it("needs an access token", async () => {
    expect((await call("/v1/devices")).status).toBe(401);
  });
});

describe("DELETE /v1/devices/{deviceId}", () => {
  it("deletes the caller's device and its topics with 204", async () => {
    const user = await anonymousUser();
    const deviceId = crypto.randomUUID();
    await put(user.accessToken, deviceId, registration({ topics: ["x", "y"] }));
    const res = await call(`/v1/devices/${deviceId}`, { method: "DELETE", token: user.accessToken });
    expect(res.status).toBe(204);
    expect(await rowOf(deviceId)).toEqual({ row: null, topics: [] });
    expect(await listDevices(user.accessToken)).toEqual([]);
  });

  it("answers 404 for another user's device, which still exists unchanged", async () => {
    const owner = await anonymousUser();
    const attacker = await anonymousUser();
    const deviceId = crypto.randomUUID();
    await put(owner.accessToken, deviceId, registration({ topics: ["mine"] }));
    const before = await rowOf(deviceId);
    const res = await call(`/v1/devices/${deviceId}`, { method: "DELETE", token: attacker.accessToken });
    expect(res.status).toBe(404);
    expect((await res.json<{ code: string }>()).code).toBe("not_found");
    expect(await rowOf(deviceId)).toEqual(before);
  });

  it("answers 404 for a device that does not exist, the same as for someone else's", async () => {
    const user = await anonymousUser();
    const res = await call(`/v1/devices/${crypto.randomUUID()}`, {
      method: "DELETE",
      token: user.accessToken,
    });
    expect(res.status).toBe(404);
  });
});
