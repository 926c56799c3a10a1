import { describe, expect, it } from "vitest";
import { BYTES, DEFAULTS, LIMITS, formatReport, parseArgs, scaleModel } from "../../bench/scale-model";

describe("scale model (docs/scale.md)", () => {
  it("adds the measured bytes per row", () => {
    const r = scaleModel({ ...DEFAULTS, users: 1000, campaignsPerWeek: 0, refreshesPerDevicePerDay: 0 });
    expect(r.bytes.records).toBe(1000 * DEFAULTS.recordsPerUser * BYTES.record);
    expect(r.bytes.usersAndDevices).toBe(1000 * BYTES.perUser + 2000 * BYTES.perDevice);
    expect(r.bytes.total).toBe(r.bytes.records + r.bytes.usersAndDevices);
    expect(r.usersPerDatabase).toBe(Math.floor(LIMITS.d1DatabaseBytes / r.bytesPerUser));
  });

  it("keeps the push ledger only for its retention, the inbox for the app's age", () => {
    const young = scaleModel({ ...DEFAULTS, ageDays: 70 });
    const old = scaleModel({ ...DEFAULTS, ageDays: 700 });
    expect(old.bytes.ledger).toBeCloseTo((young.bytes.ledger * LIMITS.ledgerRetentionDays) / 70, 0);
    expect(old.bytes.inbox).toBeCloseTo(young.bytes.inbox * 10, 0);
  });

  it("scales write load linearly and finds the users at the limit", () => {
    const a = scaleModel(DEFAULTS);
    const b = scaleModel({ ...DEFAULTS, users: DEFAULTS.users * 10 });
    expect(b.peakWriteBatchesPerSecond).toBeCloseTo(a.peakWriteBatchesPerSecond * 10, 6);
    expect(a.usersAtWriteLimit).toBe(b.usersAtWriteLimit);
    const atLimit = scaleModel({ ...DEFAULTS, users: a.usersAtWriteLimit });
    expect(atLimit.writeLoadShare).toBeCloseTo(1, 3);
    expect(b.peakWriteBatchesPerSecondPerDatabase).toBeCloseTo(
      b.peakWriteBatchesPerSecond / b.databasesNeeded,
      6,
    );
  });

  it("names the first limit and sizes the busiest space and a campaign", () => {
    const r = scaleModel({
      ...DEFAULTS,
      recordsPerUser: 0,
      refreshesPerDevicePerDay: 0,
      campaignsPerWeek: 0,
      writesPerUserPerDay: 10_000,
    });
    expect(r.firstLimit.limit).toBe("writes");
    expect(scaleModel(DEFAULTS).firstLimit.limit).toBe("size");
    const hot = scaleModel({
      ...DEFAULTS,
      hotSpaceMembers: 86_400,
      hotSpaceWritesPerMemberPerDay: 1,
      peakFactor: 1,
    });
    expect(hot.hotSpacePushesPerSecond).toBeCloseTo(1, 9);
    expect(hot.hotSpaceMembersAtLimit).toBe(DEFAULTS.spacePushesPerSecond * 86_400);
    expect(r.campaign.deliveriesPerSecond).toBe(250 * 6 * 5);
    expect(r.campaign.seconds).toBeCloseTo(r.campaign.devices / 7500, 9);
  });

  it("parses name=value over the defaults and refuses anything else", () => {
    expect(parseArgs(["users=5", "peakFactor=2.5"])).toEqual({ ...DEFAULTS, users: 5, peakFactor: 2.5 });
    expect(() => parseArgs(["nope=1"])).toThrow(/expected name=number/);
    expect(() => parseArgs(["users=x"])).toThrow();
    expect(() => parseArgs(["users"])).toThrow();
    expect(formatReport(DEFAULTS, scaleModel(DEFAULTS))).toContain("first limit of one database");
  });
});
