import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { anonymousUser, type SignedIn } from "../setup/http";
import {
  createOk,
  deliveriesTo,
  ledger,
  registerDevice,
  visible,
  waitUntilSent,
  type Registered,
} from "./push-campaign-helpers";

/**
 * Every test scopes its campaign to this file's devices (deviceIds or userIds), so it never
 * pushes to other tests' devices; the criterion under test narrows within that set.
 */
let owner: SignedIn;
let ios321: Registered; // ios, 3.2.1, de-CH, topics news
let ios290: Registered; // ios, 2.9.0, de, topics sport
let androidBeta: Registered; // android, 4.0.0-beta.1, fr-CH, topics news+sport
let android400: Registered; // android, 4.0.0, en-US, no topics
let all: Registered[];

beforeAll(async () => {
  owner = await anonymousUser();
  ios321 = await registerDevice(
    { platform: "ios", appVersion: "3.2.1", locale: "de-CH", topics: ["news"] },
    owner,
  );
  ios290 = await registerDevice({ platform: "ios", appVersion: "2.9.0", locale: "de", topics: ["sport"] });
  androidBeta = await registerDevice({
    platform: "android",
    appVersion: "4.0.0-beta.1",
    locale: "fr-CH",
    topics: ["news", "sport"],
  });
  android400 = await registerDevice(
    { platform: "android", appVersion: "4.0.0", locale: "en-US", topics: [] },
    owner,
  );
  all = [ios321, ios290, androidBeta, android400];
});

const ids = (devices: Registered[]) => devices.map((d) => d.deviceId);

async function targeted(target: Record<string, unknown>): Promise<string[]> {
  const created = await createOk(visible({ target }));
  await waitUntilSent(created.id);
  return (await ledger(created.id)).map((r) => r.device_id).sort();
}

const expectTargets = (got: string[], want: Registered[]) => expect(got).toEqual(ids(want).sort());

describe("campaign targeting", () => {
  it("targets the listed devices", async () => {
    expectTargets(await targeted({ deviceIds: ids([ios321, androidBeta]) }), [ios321, androidBeta]);
  });

  it("targets every device of the listed users", async () => {
    expectTargets(await targeted({ userIds: [owner.userId] }), [ios321, android400]);
  });

  it("narrows by platform", async () => {
    expectTargets(await targeted({ deviceIds: ids(all), platforms: ["android"] }), [androidBeta, android400]);
  });

  it("narrows by topic (any of the listed topics)", async () => {
    expectTargets(await targeted({ deviceIds: ids(all), topics: ["news"] }), [ios321, androidBeta]);
    expectTargets(await targeted({ deviceIds: ids(all), topics: ["sport", "weather"] }), [
      ios290,
      androidBeta,
    ]);
  });

  it("narrows by app version range with semver pre-release rules", async () => {
    expectTargets(await targeted({ deviceIds: ids(all), appVersion: ">=3.0.0" }), [
      ios321,
      androidBeta,
      android400,
    ]);
    // 4.0.0-beta.1 is below 4.0.0 and outside ^3 (pre-releases of another version never match).
    expectTargets(await targeted({ deviceIds: ids(all), appVersion: "^3.0.0" }), [ios321]);
    expectTargets(await targeted({ deviceIds: ids(all), appVersion: ">=4.0.0" }), [android400]);
    expectTargets(await targeted({ deviceIds: ids(all), appVersion: "<3.0.0 || >=4.0.0" }), [
      ios290,
      android400,
    ]);
  });

  it("narrows by locale with language-prefix matching", async () => {
    expectTargets(await targeted({ deviceIds: ids(all), locales: ["de"] }), [ios321, ios290]);
    expectTargets(await targeted({ deviceIds: ids(all), locales: ["de-CH", "fr"] }), [ios321, androidBeta]);
    expectTargets(await targeted({ deviceIds: ids(all), locales: ["EN"] }), [android400]);
    // A full tag matches only itself (and its own subtags): fr-FR is not fr-CH.
    expectTargets(await targeted({ deviceIds: ids(all), locales: ["fr-FR"] }), []);
    // The same rule as flags (lib/locale.ts): `_` is a separator too, on the target's side as well.
    expectTargets(await targeted({ deviceIds: ids(all), locales: ["de_CH"] }), [ios321]);
  });

  it("requires every criterion given", async () => {
    expectTargets(
      await targeted({
        userIds: [owner.userId],
        platforms: ["ios"],
        topics: ["news"],
        locales: ["de"],
        appVersion: "3.x",
      }),
      [ios321],
    );
  });

  it("skips devices whose token was pruned and devices without a token", async () => {
    const pruned = await registerDevice({ platform: "android" });
    const noToken = await anonymousUser();
    await env.DB.prepare("UPDATE devices SET push_token_invalid_at = ? WHERE id = ?")
      .bind(Date.now(), pruned.deviceId)
      .run();
    const { results } = await env.DB.prepare("SELECT id FROM devices WHERE user_id = ?")
      .bind(noToken.userId)
      .all();
    expect(results.length).toBeLessThanOrEqual(1);
    expectTargets(await targeted({ deviceIds: [pruned.deviceId, ios321.deviceId, noToken.deviceId] }), [
      ios321,
    ]);
    expect(await deliveriesTo(pruned)).toHaveLength(0);
  });

  it("targets more ids than D1 allows bound parameters", async () => {
    const many = [...Array.from({ length: 500 }, () => crypto.randomUUID()), ios290.deviceId];
    expectTargets(await targeted({ deviceIds: many }), [ios290]);
  });
});
