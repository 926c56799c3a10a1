import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  createOk,
  ledger,
  registerDevice,
  visible,
  waitUntilSent,
  type Registered,
} from "./push-campaign-helpers";

/**
 * `POST /v1/admin/push/audience` (the console's live count) counts with the fan-out's own query:
 * for each target, the count equals the number of devices the campaign then reaches.
 */
let devices: Registered[];

beforeAll(async () => {
  devices = await Promise.all([
    registerDevice({ platform: "ios", appVersion: "3.2.1", locale: "de-CH", topics: ["news"] }),
    registerDevice({ platform: "ios", appVersion: "2.9.0", locale: "de" }),
    registerDevice({ platform: "android", appVersion: "4.0.0-beta.1", locale: "fr-CH", topics: ["news"] }),
    registerDevice({ platform: "android", appVersion: "4.0.0", locale: "en-US" }),
  ]);
});

async function audience(target: Record<string, unknown>) {
  const res = await SELF.fetch("https://outpost.test/v1/admin/push/audience", {
    method: "POST",
    headers: { ...admin(), "Content-Type": "application/json" },
    body: JSON.stringify({ target }),
  });
  return { status: res.status, body: (await res.json()) as { devices?: number; code?: string } };
}

describe("the audience count", () => {
  const scoped = (more: Record<string, unknown>) => ({ deviceIds: devices.map((d) => d.deviceId), ...more });

  for (const [name, criteria] of [
    ["every device of the set", {}],
    ["a platform", { platforms: ["android"] }],
    ["a version range (checked in code past the SQL bounds)", { appVersion: ">=3.0.0" }],
    ["a locale prefix", { locales: ["de"] }],
    ["a topic", { topics: ["news"] }],
  ] as const) {
    it(`equals what a campaign then targets: ${name}`, async () => {
      const target = scoped(criteria);
      const counted = await audience(target);
      expect(counted.status).toBe(200);
      const created = await createOk(visible({ target }));
      await waitUntilSent(created.id);
      expect(counted.body.devices).toBe((await ledger(created.id)).length);
    });
  }

  it("counts the known cases exactly", async () => {
    expect((await audience(scoped({}))).body.devices).toBe(4);
    expect((await audience(scoped({ appVersion: ">=3.0.0" }))).body.devices).toBe(3);
    expect((await audience(scoped({ appVersion: "<3.0.0" }))).body.devices).toBe(1);
    expect((await audience(scoped({ platforms: ["ios"], locales: ["de"] }))).body.devices).toBe(2);
  });

  it("validates the target like a campaign's (400 invalid_body) and needs the admin key", async () => {
    const bad = await audience({ platforms: ["web"] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_body");
    const unknown = await audience({ colour: "red" });
    expect(unknown.status).toBe(400);
    const res = await SELF.fetch("https://outpost.test/v1/admin/push/audience", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ target: {} }),
    });
    expect(res.status).toBe(401);
  });
});
