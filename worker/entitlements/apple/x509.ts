import {
  DerError,
  TAG,
  children,
  content,
  ecdsaDerToRaw,
  encoding,
  expectTag,
  readBitString,
  readOid,
  readOnly,
  readTime,
  readTlv,
} from "./der";

/** What verifying Apple's chain reads from a certificate. */
export interface Certificate {
  der: Uint8Array;
  /** The signed part (TBSCertificate, whole encoding). */
  tbs: Uint8Array;
  /** The issuer's signature algorithm OID (ecdsa-with-SHA256/384). */
  signatureAlgorithm: string;
  /** The signature as DER (ECDSA-Sig-Value). */
  signature: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: number;
  notAfter: number;
  /** SubjectPublicKeyInfo, whole encoding: what WebCrypto imports as "spki". */
  spki: Uint8Array;
  /** The key's curve OID when it is an EC key, else null. */
  curve: string | null;
  /** Extension OIDs present. */
  extensions: Set<string>;
  /** basicConstraints cA (false when absent). */
  isCa: boolean;
}

export const OID = {
  ecPublicKey: "1.2.840.10045.2.1",
  p256: "1.2.840.10045.3.1.7",
  p384: "1.3.132.0.34",
  ecdsaSha256: "1.2.840.10045.4.3.2",
  ecdsaSha384: "1.2.840.10045.4.3.3",
  basicConstraints: "2.5.29.19",
  /** Apple: App Store receipt / StoreKit signing (leaf). */
  appleReceiptSigning: "1.2.840.113635.100.6.11.1",
  /** Apple: Worldwide Developer Relations intermediate. */
  appleWwdrIntermediate: "1.2.840.113635.100.6.2.1",
} as const;

/** Parses one DER certificate; throws DerError on anything it does not expect. */
export function parseCertificate(der: Uint8Array): Certificate {
  const cert = readOnly(der, TAG.SEQUENCE);
  const [tbsTlv, sigAlg, sigValue, ...rest] = children(cert);
  if (!tbsTlv || !sigAlg || !sigValue || rest.length > 0) throw new DerError("bad certificate");
  const tbsFields = children(expectTag(tbsTlv, TAG.SEQUENCE));
  let i = 0;
  if (tbsFields[0]?.tag === 0xa0) i++; // [0] version
  const serial = tbsFields[i++];
  expectTag(serial, TAG.INTEGER);
  const innerAlg = children(expectTag(tbsFields[i++], TAG.SEQUENCE));
  const issuer = expectTag(tbsFields[i++], TAG.SEQUENCE);
  const validity = children(expectTag(tbsFields[i++], TAG.SEQUENCE));
  const subject = expectTag(tbsFields[i++], TAG.SEQUENCE);
  const spki = expectTag(tbsFields[i++], TAG.SEQUENCE);
  const [notBeforeTlv, notAfterTlv] = validity;
  if (!notBeforeTlv || !notAfterTlv) throw new DerError("bad validity");

  const outerAlgOid = readOid(children(expectTag(sigAlg, TAG.SEQUENCE))[0] ?? sigAlg);
  // RFC 5280 4.1.1.2: the two algorithm fields must match, or the signature means nothing.
  if (!innerAlg[0] || readOid(innerAlg[0]) !== outerAlgOid) throw new DerError("algorithm mismatch");

  const [keyAlg] = children(spki);
  const keyAlgParts = children(expectTag(keyAlg, TAG.SEQUENCE));
  const curve =
    keyAlgParts[0] && readOid(keyAlgParts[0]) === OID.ecPublicKey && keyAlgParts[1]?.tag === TAG.OID
      ? readOid(keyAlgParts[1])
      : null;

  const extensions = new Set<string>();
  let isCa = false;
  for (const field of tbsFields.slice(i)) {
    if (field.tag !== 0xa3) continue; // [3] extensions; [1]/[2] unique ids are ignored
    const list = readTlv(field.bytes, field.contentStart, field.end);
    for (const ext of children(expectTag(list, TAG.SEQUENCE))) {
      const parts = children(expectTag(ext, TAG.SEQUENCE));
      const oid = readOid(parts[0] ?? ext);
      if (extensions.has(oid)) throw new DerError("duplicate extension");
      extensions.add(oid);
      if (oid === OID.basicConstraints) {
        const value = expectTag(parts.at(-1), TAG.OCTET_STRING);
        const bc = children(readOnly(content(value), TAG.SEQUENCE));
        isCa = bc[0]?.tag === TAG.BOOLEAN && content(bc[0])[0] === 0xff;
      }
    }
  }

  return {
    der,
    tbs: encoding(tbsTlv),
    signatureAlgorithm: outerAlgOid,
    signature: readBitString(sigValue),
    issuer: encoding(issuer),
    subject: encoding(subject),
    notBefore: readTime(notBeforeTlv),
    notAfter: readTime(notAfterTlv),
    spki: encoding(spki),
    curve,
    extensions,
    isCa,
  };
}

const CURVES: Record<string, { namedCurve: "P-256" | "P-384"; size: number }> = {
  [OID.p256]: { namedCurve: "P-256", size: 32 },
  [OID.p384]: { namedCurve: "P-384", size: 48 },
};
const HASHES: Record<string, "SHA-256" | "SHA-384"> = {
  [OID.ecdsaSha256]: "SHA-256",
  [OID.ecdsaSha384]: "SHA-384",
};

/** The certificate's EC public key for WebCrypto (P-256 or P-384 only). */
export async function importEcKey(cert: Certificate) {
  const curve = cert.curve ? CURVES[cert.curve] : undefined;
  if (!curve) throw new DerError("not a P-256/P-384 key");
  return crypto.subtle.importKey("spki", cert.spki, { name: "ECDSA", namedCurve: curve.namedCurve }, false, [
    "verify",
  ]);
}

/** Whether `cert` carries a valid ECDSA signature by `issuer`'s key (P-256/P-384, SHA-256/384). */
export async function isSignedBy(cert: Certificate, issuer: Certificate): Promise<boolean> {
  const hash = HASHES[cert.signatureAlgorithm];
  const curve = issuer.curve ? CURVES[issuer.curve] : undefined;
  if (!hash || !curve) return false;
  const key = await importEcKey(issuer);
  const raw = ecdsaDerToRaw(cert.signature, curve.size);
  return crypto.subtle.verify({ name: "ECDSA", hash }, key, raw, cert.tbs);
}

/** PEM text (one or more CERTIFICATE blocks) → DER buffers. */
export function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (const m of pem.matchAll(re)) out.push(base64ToBytes((m[1] ?? "").replace(/\s+/g, "")));
  return out;
}

export function base64ToBytes(b64: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new DerError("not base64");
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
