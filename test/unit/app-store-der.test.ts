import { describe, expect, it } from "vitest";
import {
  DerError,
  TAG,
  ecdsaDerToRaw,
  readOid,
  readOnly,
  readTime,
  readTlv,
} from "../../worker/entitlements/apple/der";
import { parseCertificate } from "../../worker/entitlements/apple/x509";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("the DER reader", () => {
  it("reads short and long lengths", () => {
    expect(readTlv(bytes(0x04, 0x02, 0xaa, 0xbb))).toMatchObject({ tag: 0x04, contentStart: 2, end: 4 });
    const long = new Uint8Array(3 + 200);
    long.set([0x04, 0x81, 200]);
    expect(readTlv(long)).toMatchObject({ contentStart: 3, end: 203 });
  });

  it.each([
    ["truncated content", bytes(0x04, 0x05, 0x00)],
    ["a non-minimal long length", bytes(0x04, 0x81, 0x05, 0, 0, 0, 0, 0)],
    ["an indefinite length (BER)", bytes(0x30, 0x80, 0x00, 0x00)],
    ["a multi-byte tag", bytes(0x1f, 0x01, 0x00)],
    ["a length past the buffer", bytes(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff)],
  ])("refuses %s", (_what, input) => {
    expect(() => readTlv(input)).toThrow(DerError);
  });

  it("refuses trailing bytes after the one expected value", () => {
    expect(() => readOnly(bytes(0x05, 0x00, 0x00), TAG.NULL)).toThrow(DerError);
  });

  it("reads OIDs, Apple's included", () => {
    // 1.2.840.113635.100.6.11.1
    const oid = bytes(0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x06, 0x0b, 0x01);
    expect(readOid(readTlv(oid))).toBe("1.2.840.113635.100.6.11.1");
    expect(() => readOid(readTlv(bytes(0x06, 0x02, 0x2a, 0x86)))).toThrow(DerError); // truncated arc
  });

  it("reads UTCTime (two-digit years split at 1950) and GeneralizedTime", () => {
    const text = (tag: number, s: string) => readTlv(bytes(tag, s.length, ...new TextEncoder().encode(s)));
    expect(new Date(readTime(text(TAG.UTC_TIME, "390430181906Z"))).toISOString()).toBe(
      "2039-04-30T18:19:06.000Z",
    );
    expect(new Date(readTime(text(TAG.UTC_TIME, "500101000000Z"))).toISOString()).toBe(
      "1950-01-01T00:00:00.000Z",
    );
    expect(new Date(readTime(text(TAG.GENERALIZED_TIME, "20510101000000Z"))).getUTCFullYear()).toBe(2051);
    expect(() => readTime(text(TAG.UTC_TIME, "3904301819Z"))).toThrow(DerError);
  });

  it("turns an ECDSA-Sig-Value into fixed-size r‖s", () => {
    // r = 0x00ff (leading zero for the sign), s = 0x01
    const sig = bytes(0x30, 0x07, 0x02, 0x02, 0x00, 0xff, 0x02, 0x01, 0x01);
    const raw = ecdsaDerToRaw(sig, 4);
    expect([...raw]).toEqual([0, 0, 0, 0xff, 0, 0, 0, 1]);
    expect(() => ecdsaDerToRaw(bytes(0x30, 0x03, 0x02, 0x01, 0x01), 4)).toThrow(DerError);
  });

  it("refuses what is not a certificate", () => {
    expect(() => parseCertificate(bytes(0x30, 0x00))).toThrow(DerError);
    expect(() => parseCertificate(new TextEncoder().encode("not der at all"))).toThrow(DerError);
  });
});
