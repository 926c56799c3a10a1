import { compactVerify, decodeProtectedHeader } from "jose";
import { equalBytes } from "./der";
import { type Certificate, OID, base64ToBytes, importEcKey, isSignedBy, parseCertificate } from "./x509";

/** Why a signed App Store message was refused (logged, never sent back in detail). */
export class AppleVerificationError extends Error {
  constructor(readonly reason: string) {
    super(`App Store JWS refused: ${reason}`);
    this.name = "AppleVerificationError";
  }
}

/** How far ahead of our clock a signed date may be (clock skew), beyond which it is refused. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Verifies one App Store JWS (a notification's `signedPayload`, a `signedTransactionInfo`, a
 * `signedRenewalInfo`, or the app's `signedTransaction`) the way Apple's own server library does,
 * with WebCrypto and our DER reader, and returns its payload:
 *
 * 1. the protected header's `alg` is ES256 and `x5c` holds exactly three certificates (leaf,
 *    intermediate, root);
 * 2. the root is byte-for-byte one of the pinned roots;
 * 3. the leaf carries Apple's receipt-signing OID and the intermediate Apple's WWDR OID, the
 *    intermediate (and root) are CAs, and names chain (leaf issuer = intermediate subject, …);
 * 4. every certificate is valid at the payload's `signedDate` (which may not be in our future);
 * 5. the leaf is signed by the intermediate and the intermediate by the root (ECDSA P-256/P-384,
 *    SHA-256/384);
 * 6. the JWS is signed by the leaf's key (jose's compactVerify, ES256 only — a swapped alg fails).
 *
 * Steps 2, 3 and 5 depend only on the certificates, so a chain that passed is remembered per
 * isolate (`verifiedChain`). The payload is read before the signature is checked only to learn
 * the date to check validity at; nothing from it is returned unless every step passes.
 */
export async function verifyAppleJws(
  jws: string,
  roots: readonly Uint8Array[],
  now = Date.now(),
): Promise<Record<string, unknown>> {
  if (typeof jws !== "string" || jws.split(".").length !== 3)
    throw new AppleVerificationError("not a compact JWS");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new AppleVerificationError("unreadable header");
  }
  if (header.alg !== "ES256") throw new AppleVerificationError("alg is not ES256");
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length !== 3)
    throw new AppleVerificationError("x5c must hold three certificates");

  const signedDate = unverifiedSignedDate(jws);
  if (signedDate > now + MAX_FUTURE_SKEW_MS) throw new AppleVerificationError("signed in the future");
  const chain = await verifiedChain(x5c.map(String), roots);
  if (signedDate < chain.validFrom || signedDate > chain.validTo)
    throw new AppleVerificationError("certificate not valid at the signed date");

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, chain.leafKey, { algorithms: ["ES256"] }));
  } catch {
    throw new AppleVerificationError("signature invalid");
  }
  const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new AppleVerificationError("payload is not an object");
  return parsed as Record<string, unknown>;
}

/** A chain that passed every check that does not depend on the message: its leaf key and common validity. */
interface VerifiedChain {
  leafKey: Awaited<ReturnType<typeof importEcKey>>;
  validFrom: number;
  validTo: number;
  /** The pinned root it ended at (re-checked against the configured roots on every hit). */
  root: Uint8Array;
}

/**
 * Verified chains, per isolate, keyed by the exact x5c text (Apple signs months of messages with
 * one leaf): checking a chain is six ECDSA verifications, four of them P-384, so a hit saves most
 * of a notification's CPU. Only chains that passed are kept, as values (never in-flight
 * promises); a hit's root must still be one of the configured roots, so a configuration change
 * never reuses a verdict. The validity date is still checked against each message.
 */
const chains = new Map<string, VerifiedChain>();
const MAX_CHAINS = 16;

async function verifiedChain(x5c: string[], roots: readonly Uint8Array[]): Promise<VerifiedChain> {
  const key = x5c.join(".");
  const hit = chains.get(key);
  if (hit && roots.some((r) => equalBytes(r, hit.root))) return hit;

  let parsed: Certificate[];
  try {
    parsed = x5c.map((b64) => parseCertificate(base64ToBytes(b64)));
  } catch {
    throw new AppleVerificationError("unreadable certificate");
  }
  const [leaf, intermediate, root] = parsed as [Certificate, Certificate, Certificate];
  if (!roots.some((r) => equalBytes(r, root.der))) throw new AppleVerificationError("root is not pinned");
  if (!leaf.extensions.has(OID.appleReceiptSigning))
    throw new AppleVerificationError("leaf lacks Apple's OID");
  if (!intermediate.extensions.has(OID.appleWwdrIntermediate))
    throw new AppleVerificationError("intermediate lacks Apple's OID");
  if (!intermediate.isCa || !root.isCa) throw new AppleVerificationError("issuer is not a CA");
  if (!equalBytes(leaf.issuer, intermediate.subject) || !equalBytes(intermediate.issuer, root.subject))
    throw new AppleVerificationError("names do not chain");
  try {
    if (!(await isSignedBy(intermediate, root)) || !(await isSignedBy(leaf, intermediate)))
      throw new AppleVerificationError("chain signature invalid");
  } catch (error) {
    if (error instanceof AppleVerificationError) throw error;
    throw new AppleVerificationError("chain signature unreadable");
  }
  if (leaf.curve !== OID.p256) throw new AppleVerificationError("leaf key is not P-256");
  const verified: VerifiedChain = {
    leafKey: await importEcKey(leaf),
    validFrom: Math.max(leaf.notBefore, intermediate.notBefore, root.notBefore),
    validTo: Math.min(leaf.notAfter, intermediate.notAfter, root.notAfter),
    root: root.der,
  };
  if (chains.size >= MAX_CHAINS) chains.clear();
  chains.set(key, verified);
  return verified;
}

/** The payload's `signedDate` (ms), read without trusting it: only to pick the validity date. */
function unverifiedSignedDate(jws: string): number {
  try {
    const b64 = (jws.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const json: unknown = JSON.parse(
      new TextDecoder().decode(base64ToBytes(b64 + "=".repeat((4 - (b64.length % 4)) % 4))),
    );
    const date = (json as { signedDate?: unknown }).signedDate;
    if (typeof date === "number" && Number.isFinite(date)) return date;
  } catch {
    // fall through
  }
  throw new AppleVerificationError("payload has no signedDate");
}
