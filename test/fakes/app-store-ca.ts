import {
  type KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from "node:crypto";

/**
 * A test certificate authority shaped like Apple's App Store signing chain: a P-384 root, a
 * P-384 intermediate carrying Apple's WWDR OID (1.2.840.113635.100.6.2.1) and a P-256 leaf
 * carrying Apple's receipt-signing OID (1.2.840.113635.100.6.11.1), each signed by the next with
 * ECDSA (SHA-384). Certificates are built with the tiny DER encoder below — node:crypto signs,
 * nothing else is needed — and every part can be made wrong on purpose to test the verifier.
 */

// --- a tiny DER encoder ------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
export const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const set = (...parts: Buffer[]) => tlv(0x31, ...parts);
const int = (value: Buffer) => tlv(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
const octets = (value: Buffer) => tlv(0x04, value);
const bits = (value: Buffer) => tlv(0x03, Buffer.from([0]), value);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const NULL = Buffer.from([0x05, 0x00]);

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [a! * 40 + b!];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(ms: number): Buffer {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const body = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const year = d.getUTCFullYear();
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return year < 2050
    ? tlv(0x17, Buffer.from(`${String(year % 100).padStart(2, "0")}${body}`))
    : tlv(0x18, Buffer.from(`${year}${body}`));
}

const name = (cn: string) =>
  seq(set(seq(oid("2.5.4.3"), utf8(cn))), set(seq(oid("2.5.4.10"), utf8("Outpost Test CA"))));

export const APPLE_OIDS = {
  leaf: "1.2.840.113635.100.6.11.1",
  intermediate: "1.2.840.113635.100.6.2.1",
} as const;

// --- certificates ------------------------------------------------------------------------------

export interface Issued {
  key: KeyObject;
  der: Buffer;
  subject: string;
}

export interface CertOptions {
  subject: string;
  curve: "P-256" | "P-384";
  issuer?: Issued;
  notBefore: number;
  notAfter: number;
  ca: boolean;
  /** Extension OIDs to add (value: DER NULL, as Apple's markers are). */
  markers?: string[];
  /** An existing key instead of a fresh one (the dev script keeps its root across restarts). */
  key?: KeyObject;
}

/** Issues a certificate (self-signed when `issuer` is absent). */
export function issueCertificate(o: CertOptions): Issued {
  const key =
    o.key ??
    generateKeyPairSync("ec", { namedCurve: o.curve === "P-256" ? "prime256v1" : "secp384r1" }).privateKey;
  const signer = o.issuer?.key ?? key;
  const signerCurve = (signer.asymmetricKeyDetails?.namedCurve ?? "") === "prime256v1" ? "P-256" : "P-384";
  const sigAlg = seq(oid(signerCurve === "P-256" ? "1.2.840.10045.4.3.2" : "1.2.840.10045.4.3.3"));
  const hash = signerCurve === "P-256" ? "sha256" : "sha384";
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  const extensions: Buffer[] = [
    seq(oid("2.5.29.19"), bool(true), octets(seq(...(o.ca ? [bool(true)] : [])))),
  ];
  for (const marker of o.markers ?? []) extensions.push(seq(oid(marker), octets(NULL)));
  const issuerName = o.issuer ? name(o.issuer.subject) : name(o.subject);
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))),
    int(Buffer.concat([Buffer.from([0x01]), randomBytes(8)])),
    sigAlg,
    issuerName,
    seq(time(o.notBefore), time(o.notAfter)),
    name(o.subject),
    spki,
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign(hash, tbs, { key: signer, dsaEncoding: "der" });
  return { key, der: seq(tbs, sigAlg, bits(signature)), subject: o.subject };
}

export const toPem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;

export function fromPem(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error("no certificate in PEM");
  return Buffer.from((m[1] ?? "").replace(/\s+/g, ""), "base64");
}

const YEAR = 365 * 24 * 3600 * 1000;

/** The test chain: root → intermediate → leaf, plus an unrelated root for "wrong root" forgeries. */
export interface TestChain {
  root: Issued;
  intermediate: Issued;
  leaf: Issued;
  rootPem: string;
}

/**
 * A fresh chain valid from a year ago for ten years. With `root` (cert PEM and private key PEM),
 * the chain hangs off that existing root, so a restarted `npm run dev` still matches the
 * APPSTORE_ROOT_CERTS its `.dev.vars` holds.
 */
/** Validity of a year either side of now unless given: the shape of each certificate of Apple's chain. */
type Overrides = Partial<Pick<CertOptions, "notBefore" | "notAfter" | "markers">>;
const validity = (now: number, o: Overrides) => ({
  notBefore: o.notBefore ?? now - YEAR,
  notAfter: o.notAfter ?? now + YEAR,
});

/** A root shaped like Apple Root CA - G3 (P-384, self-signed). */
function issueRoot(now: number, o: Overrides = {}): Issued {
  return issueCertificate({
    subject: "Outpost Test Root CA - G3",
    curve: "P-384",
    ...validity(now, o),
    ca: true,
  });
}

/** An intermediate shaped like Apple's WWDR CA (P-384, Apple's intermediate OID unless `markers`). */
function issueIntermediate(issuer: Issued, now: number, o: Overrides = {}): Issued {
  return issueCertificate({
    subject: "Outpost Test WWDR CA",
    curve: "P-384",
    issuer,
    ...validity(now, o),
    ca: true,
    markers: o.markers ?? [APPLE_OIDS.intermediate],
  });
}

/** A leaf shaped like Apple's receipt-signing certificate (P-256, Apple's leaf OID unless `markers`). */
function issueLeaf(issuer: Issued, now: number, o: Overrides = {}): Issued {
  return issueCertificate({
    subject: "Outpost Test Receipt Signing",
    curve: "P-256",
    issuer,
    ...validity(now, o),
    ca: false,
    markers: o.markers ?? [APPLE_OIDS.leaf],
  });
}

export function createTestChain(existingRoot?: { certPem: string; keyPem: string }): TestChain {
  const now = Date.now();
  const root: Issued = existingRoot
    ? {
        key: createPrivateKey(existingRoot.keyPem),
        der: fromPem(existingRoot.certPem),
        subject: "Outpost Test Root CA - G3",
      }
    : issueRoot(now, { notAfter: now + 10 * YEAR });
  const intermediate = issueIntermediate(root, now, { notAfter: now + 9 * YEAR });
  const leaf = issueLeaf(intermediate, now, { notAfter: now + 2 * YEAR });
  return { root, intermediate, leaf, rootPem: toPem(root.der) };
}

/** Ways to make a signed message wrong, one at a time (forgery tests). */
export type Forgery =
  | "wrong-root"
  | "leaf-without-oid"
  | "intermediate-without-oid"
  | "expired-leaf"
  | "two-certs"
  | "swapped-alg"
  | "alg-none"
  | "tampered-payload"
  | "leaf-not-signed-by-intermediate";

export const FORGERIES: readonly Forgery[] = [
  "wrong-root",
  "leaf-without-oid",
  "intermediate-without-oid",
  "expired-leaf",
  "two-certs",
  "swapped-alg",
  "alg-none",
  "tampered-payload",
  "leaf-not-signed-by-intermediate",
];

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/**
 * Signs `payload` as an App Store JWS (ES256, x5c = leaf, intermediate, root), or as the given
 * forgery of one.
 */
export function signAppStoreJws(
  chain: TestChain,
  payload: Record<string, unknown>,
  forgery?: Forgery,
): string {
  let { root, intermediate, leaf } = chain;
  const now = Date.now();
  if (forgery === "wrong-root") {
    root = issueRoot(now);
    intermediate = issueIntermediate(root, now);
    leaf = issueLeaf(intermediate, now);
  } else if (forgery === "leaf-without-oid") {
    leaf = issueLeaf(intermediate, now, { markers: [] });
  } else if (forgery === "intermediate-without-oid") {
    intermediate = issueIntermediate(root, now, { markers: [] });
    leaf = issueLeaf(intermediate, now);
  } else if (forgery === "expired-leaf") {
    leaf = issueLeaf(intermediate, now, { notBefore: now - 2 * YEAR, notAfter: now - YEAR });
  } else if (forgery === "leaf-not-signed-by-intermediate") {
    // Same names and OIDs, but signed by a look-alike intermediate's key.
    leaf = issueLeaf(issueIntermediate(root, now), now);
  }
  const x5c = [leaf, intermediate, root].map((c) => c.der.toString("base64"));
  if (forgery === "two-certs") x5c.pop();
  const alg = forgery === "swapped-alg" ? "ES384" : forgery === "alg-none" ? "none" : "ES256";
  const header = b64url(JSON.stringify({ alg, x5c }));
  const body = b64url(JSON.stringify(payload));
  const signature =
    forgery === "alg-none"
      ? Buffer.alloc(0)
      : sign("sha256", Buffer.from(`${header}.${body}`), { key: leaf.key, dsaEncoding: "ieee-p1363" });
  const signed = `${header}.${body}.${b64url(signature)}`;
  if (forgery !== "tampered-payload") return signed;
  const tampered = b64url(JSON.stringify({ ...payload, productId: "com.example.forged", tampered: true }));
  return `${header}.${tampered}.${b64url(signature)}`;
}
