import { describe, expect, it } from "vitest";
import { nonceMatches, parseOidcProviders } from "../../worker/auth/oidc";

describe("parseOidcProviders", () => {
  it("reads the providers by name", () => {
    const providers = parseOidcProviders(
      JSON.stringify([
        {
          name: "apple",
          issuer: "https://appleid.apple.com",
          jwksUri: "https://appleid.apple.com/auth/keys",
          audiences: ["com.x"],
        },
      ]),
    );
    expect(providers.get("apple")).toEqual({
      name: "apple",
      issuer: "https://appleid.apple.com",
      jwksUri: "https://appleid.apple.com/auth/keys",
      audiences: ["com.x"],
    });
  });

  it("is empty for an empty setting", () => {
    expect(parseOidcProviders("[]").size).toBe(0);
    expect(parseOidcProviders("").size).toBe(0);
  });

  it.each([
    ["not an array", "{}"],
    ["no audiences", JSON.stringify([{ name: "a", issuer: "i", jwksUri: "https://i/jwks", audiences: [] }])],
    ["a bad jwksUri", JSON.stringify([{ name: "a", issuer: "i", jwksUri: "not a url", audiences: ["x"] }])],
    ["a missing issuer", JSON.stringify([{ name: "a", jwksUri: "https://i/jwks", audiences: ["x"] }])],
  ])("refuses %s", (_name, raw) => {
    expect(() => parseOidcProviders(raw)).toThrow();
  });
});

describe("nonceMatches", () => {
  it("accepts the exact nonce", async () => {
    expect(await nonceMatches("abc", "abc")).toBe(true);
  });

  it("accepts the SHA-256 hex of the nonce (Apple/Google hashed-nonce flow)", async () => {
    expect(
      await nonceMatches("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc"),
    ).toBe(true);
  });

  it("refuses anything else", async () => {
    expect(await nonceMatches("abd", "abc")).toBe(false);
    expect(await nonceMatches(undefined, "abc")).toBe(false);
    expect(await nonceMatches(42, "abc")).toBe(false);
  });
});
