import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { KeyConfigError, getKeyRing, parseSigningKeys, toPublicJwk } from "../../worker/auth/keys";

async function privateJwk(kid: string) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" };
}

describe("parseSigningKeys", () => {
  it("accepts a set of private P-256 keys with kids", async () => {
    const raw = JSON.stringify({ keys: [await privateJwk("a"), await privateJwk("b")] });
    expect(parseSigningKeys(raw).map((k) => k.kid)).toEqual(["a", "b"]);
  });

  it.each([
    ["missing", undefined],
    ["not JSON", "{"],
    ["no keys", JSON.stringify({ keys: [] })],
    ["a public key", JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", kid: "a" }] })],
    ["an RSA key", JSON.stringify({ keys: [{ kty: "RSA", n: "n", e: "AQAB", d: "d", kid: "a" }] })],
  ])("refuses %s", (_name, raw) => {
    expect(() => parseSigningKeys(raw)).toThrow(KeyConfigError);
  });

  it("refuses a key without kid, another alg, or a duplicate kid", async () => {
    const { kid: _kid, ...noKid } = await privateJwk("a");
    expect(() => parseSigningKeys(JSON.stringify({ keys: [noKid] }))).toThrow(/kid/);
    const otherAlg = { ...(await privateJwk("a")), alg: "HS256" };
    expect(() => parseSigningKeys(JSON.stringify({ keys: [otherAlg] }))).toThrow(/alg/);
    const dup = await privateJwk("same");
    expect(() => parseSigningKeys(JSON.stringify({ keys: [dup, dup] }))).toThrow(/twice/);
  });
});

describe("toPublicJwk", () => {
  it("keeps only the public members", async () => {
    const jwk = await privateJwk("k1");
    const [parsed] = parseSigningKeys(JSON.stringify({ keys: [jwk] }));
    expect(toPublicJwk(parsed!)).toEqual({
      kty: "EC",
      crv: "P-256",
      x: jwk.x,
      y: jwk.y,
      kid: "k1",
      alg: "ES256",
      use: "sig",
    });
  });
});

describe("getKeyRing", () => {
  it("imports once per secret value: the same promise for the same text", async () => {
    const env = {
      JWT_SIGNING_KEYS: JSON.stringify({ keys: [await privateJwk("a"), await privateJwk("b")] }),
    };
    const first = getKeyRing(env);
    expect(getKeyRing({ ...env })).toBe(first);
    const ring = await first;
    expect(ring.signing.kid).toBe("a");
    expect([...ring.verifying.keys()]).toEqual(["a", "b"]);
  });
});
