import { describe, expect, it } from "vitest";
import { networkOf } from "../../worker/limits/edge";

describe("networkOf (the per-IP rate-limit key)", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(networkOf("203.0.113.7")).toBe("203.0.113.7");
  });

  it("keys an IPv6 address by its /64, however it is written", () => {
    expect(networkOf("2001:db8:0:1:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(networkOf("2001:0DB8:0000:0001::1")).toBe("2001:db8:0:1::/64");
    expect(networkOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(networkOf("::1")).toBe("0:0:0:0::/64");
  });

  it("reads an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(networkOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });
});
