import { describe, expect, it } from "vitest";
import { tokenFingerprint, withheldReason } from "../../worker/push/ownership";

describe("withheldReason", () => {
  const planned = { userId: "alice", tokenHash: "t1" };
  const rows: [string, Parameters<typeof withheldReason>[1], ReturnType<typeof withheldReason>][] = [
    ["sends to the same owner and token", { userId: "alice", unlinkedAt: null, tokenHash: "t1" }, null],
    [
      "withholds a device now owned by someone else",
      { userId: "bob", unlinkedAt: null, tokenHash: "t1" },
      "owner_changed",
    ],
    [
      "withholds a device its owner signed out on",
      { userId: "alice", unlinkedAt: 5, tokenHash: "t1" },
      "unlinked",
    ],
    [
      "withholds a device holding another token",
      { userId: "alice", unlinkedAt: null, tokenHash: "t2" },
      "token_changed",
    ],
    [
      "names the owner first when both changed",
      { userId: "bob", unlinkedAt: null, tokenHash: "t2" },
      "owner_changed",
    ],
  ];
  for (const [what, current, expected] of rows) {
    it(what, () => expect(withheldReason(planned, current)).toBe(expected));
  }

  it("compares only the owner for rows planned before fingerprints were kept", () => {
    const legacy = { userId: "alice", tokenHash: null };
    expect(withheldReason(legacy, { userId: "alice", unlinkedAt: null, tokenHash: "any" })).toBeNull();
    expect(withheldReason(legacy, { userId: "bob", unlinkedAt: null, tokenHash: "any" })).toBe(
      "owner_changed",
    );
  });
});

describe("tokenFingerprint", () => {
  it("is 128 bits of hex, stable, and differs between tokens", async () => {
    const a = await tokenFingerprint("token-a");
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(await tokenFingerprint("token-a")).toBe(a);
    expect(await tokenFingerprint("token-b")).not.toBe(a);
  });
});
