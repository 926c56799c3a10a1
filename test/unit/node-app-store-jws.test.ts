import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { APPLE_ROOT_CA_G3_PEM } from "../../worker/entitlements/apple/root-g3";
import { AppleVerificationError, verifyAppleJws } from "../../worker/entitlements/apple/signed-data";
import { OID, parseCertificate, pemToDer } from "../../worker/entitlements/apple/x509";
import {
  FORGERIES,
  type Forgery,
  type TestChain,
  createTestChain,
  signAppStoreJws,
} from "../fakes/app-store-ca";

let chain: TestChain;
let roots: Uint8Array[];
beforeAll(() => {
  chain = createTestChain();
  roots = pemToDer(chain.rootPem);
});

const payload = (extra: Record<string, unknown> = {}) => ({
  signedDate: Date.now(),
  productId: "com.example.pro.monthly",
  ...extra,
});

describe("the pinned Apple Root CA - G3", () => {
  it("is the real certificate (SHA-256 fingerprint 63343abf…9179)", () => {
    const [der] = pemToDer(APPLE_ROOT_CA_G3_PEM);
    expect(createHash("sha256").update(der!).digest("hex")).toBe(
      "63343abfb89a6a03ebb57e9b3f5fa7be7c4f5c756f3017b3a8c488c3653e9179",
    );
  });

  it("reads as a P-384 CA valid from 2014 to 2039 with our DER reader", () => {
    const cert = parseCertificate(pemToDer(APPLE_ROOT_CA_G3_PEM)[0]!);
    expect(cert.curve).toBe(OID.p384);
    expect(cert.isCa).toBe(true);
    expect(cert.signatureAlgorithm).toBe(OID.ecdsaSha384);
    expect(new Date(cert.notBefore).toISOString()).toBe("2014-04-30T18:19:06.000Z");
    expect(new Date(cert.notAfter).toISOString()).toBe("2039-04-30T18:19:06.000Z");
  });

  it("refuses a test-CA message when only the built-in root is pinned", async () => {
    const jws = signAppStoreJws(chain, payload());
    await expect(verifyAppleJws(jws, pemToDer(APPLE_ROOT_CA_G3_PEM))).rejects.toThrow("root is not pinned");
  });
});

describe("verifyAppleJws", () => {
  it("returns the payload of a message signed through the pinned chain", async () => {
    const p = payload({ transactionId: "1000000001" });
    await expect(verifyAppleJws(signAppStoreJws(chain, p), roots)).resolves.toEqual(p);
  });

  const REASONS: Record<Forgery, string> = {
    "wrong-root": "root is not pinned",
    "leaf-without-oid": "leaf lacks Apple's OID",
    "intermediate-without-oid": "intermediate lacks Apple's OID",
    "expired-leaf": "certificate not valid at the signed date",
    "two-certs": "x5c must hold three certificates",
    "swapped-alg": "alg is not ES256",
    "alg-none": "alg is not ES256",
    "tampered-payload": "signature invalid",
    "leaf-not-signed-by-intermediate": "chain signature invalid",
  };

  it.each(FORGERIES)("refuses a forgery, for its own reason: %s", async (forgery) => {
    const jws = signAppStoreJws(chain, payload(), forgery);
    const error: unknown = await verifyAppleJws(jws, roots).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppleVerificationError);
    expect((error as AppleVerificationError).reason).toBe(REASONS[forgery]);
  });

  it("never reuses a remembered chain once its root is no longer pinned", async () => {
    const jws = signAppStoreJws(chain, payload());
    await expect(verifyAppleJws(jws, roots)).resolves.toBeTruthy();
    await expect(verifyAppleJws(jws, pemToDer(APPLE_ROOT_CA_G3_PEM))).rejects.toThrow("root is not pinned");
  });

  it("checks each message's date against a remembered chain", async () => {
    await expect(verifyAppleJws(signAppStoreJws(chain, payload()), roots)).resolves.toBeTruthy();
    const old = signAppStoreJws(chain, payload({ signedDate: Date.now() - 3 * 365 * 24 * 3600 * 1000 }));
    await expect(verifyAppleJws(old, roots)).rejects.toThrow("not valid at the signed date");
  });

  it("refuses a message dated outside the certificates' validity", async () => {
    const old = signAppStoreJws(chain, payload({ signedDate: Date.now() - 3 * 365 * 24 * 3600 * 1000 }));
    await expect(verifyAppleJws(old, roots)).rejects.toThrow("not valid at the signed date");
  });

  it("refuses a message dated in the future", async () => {
    const future = signAppStoreJws(chain, payload({ signedDate: Date.now() + 3600_000 }));
    await expect(verifyAppleJws(future, roots)).rejects.toThrow("signed in the future");
  });

  it("refuses a message without a signedDate", async () => {
    const jws = signAppStoreJws(chain, { productId: "x" });
    await expect(verifyAppleJws(jws, roots)).rejects.toThrow("no signedDate");
  });

  it("refuses what is not a JWS at all", async () => {
    for (const junk of ["", "a.b", "a.b.c", "x".repeat(100)]) {
      await expect(verifyAppleJws(junk, roots)).rejects.toBeInstanceOf(AppleVerificationError);
    }
  });
});
