/**
 * A small DER reader: just what reading X.509 certificates and ECDSA signatures needs (definite
 * lengths, single-byte tags). Anything malformed throws DerError; callers turn it into "not
 * verified". Our own rather than a dependency: workerd's X509Certificate has had EC-key problems
 * (notes/platform-v1.1.md), and the surface we need is small.
 */
export class DerError extends Error {}

export interface Tlv {
  tag: number;
  /** Offset of the tag byte within the buffer it was read from. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
  bytes: Uint8Array;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads the TLV at `offset`, which must end inside `limit`. */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new DerError("truncated");
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not used here");
  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Indefinite lengths are BER, not DER; four length bytes is far beyond any certificate.
    if (count === 0 || count > 4) throw new DerError("bad length");
    if (contentStart + count > limit) throw new DerError("truncated");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[contentStart + i]!;
    if (length < 0x80 || bytes[contentStart] === 0) throw new DerError("non-minimal length");
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError("truncated");
  return { tag, start: offset, contentStart, end, bytes };
}

/** The content bytes of a TLV. */
export const content = (t: Tlv): Uint8Array => t.bytes.subarray(t.contentStart, t.end);

/** The whole encoding of a TLV (tag and length included), e.g. the signed TBSCertificate. */
export const encoding = (t: Tlv): Uint8Array => t.bytes.subarray(t.start, t.end);

/** The children of a constructed TLV (SEQUENCE, SET, context tags). */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = t.contentStart;
  while (offset < t.end) {
    const child = readTlv(t.bytes, offset, t.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Reads a whole buffer as exactly one TLV of the expected tag (no trailing bytes). */
export function readOnly(bytes: Uint8Array, tag: number): Tlv {
  const t = readTlv(bytes);
  if (t.tag !== tag || t.end !== bytes.length) throw new DerError("unexpected structure");
  return t;
}

export function expectTag(t: Tlv | undefined, tag: number): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
  return t;
}

/** An OBJECT IDENTIFIER as dotted text. */
export function readOid(t: Tlv): string {
  expectTag(t, TAG.OID);
  const c = content(t);
  if (c.length === 0) throw new DerError("empty OID");
  const parts: number[] = [];
  let value = 0;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError("OID arc too large");
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    } else if (i === c.length - 1) throw new DerError("truncated OID");
  }
  return parts.join(".");
}

/** UTCTime or GeneralizedTime (the Z forms DER requires) → epoch ms. */
export function readTime(t: Tlv): number {
  const text = new TextDecoder().decode(content(t));
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === TAG.UTC_TIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new DerError("bad UTCTime");
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 4.1.2.5.1
  } else if (t.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new DerError("bad GeneralizedTime");
    year = Number(m[1]);
  } else throw new DerError("expected a time");
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The bytes of a BIT STRING with no unused bits (keys and signatures always are). */
export function readBitString(t: Tlv): Uint8Array {
  expectTag(t, TAG.BIT_STRING);
  const c = content(t);
  if (c.length < 1 || c[0] !== 0) throw new DerError("BIT STRING with unused bits");
  return c.subarray(1);
}

/**
 * An ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) → the fixed-size r‖s WebCrypto verifies,
 * each integer left-padded to the curve's size.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const seq = readOnly(der, TAG.SEQUENCE);
  const parts = children(seq);
  if (parts.length !== 2) throw new DerError("bad ECDSA signature");
  const out = new Uint8Array(size * 2);
  parts.forEach((part, i) => {
    let n = content(expectTag(part, TAG.INTEGER));
    while (n.length > 1 && n[0] === 0) n = n.subarray(1);
    if (n.length > size) throw new DerError("ECDSA integer too large");
    out.set(n, i * size + (size - n.length));
  });
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
