/**
 * The access-token key ring, built from `JWT_SIGNING_KEYS` (a private ES256 JWK set,
 * `{"keys":[...]}`): the first key signs, every key verifies, so a new key can be put first
 * while tokens signed by the old one stay valid until they expire (≤ 15 min).
 *
 * Parsing and WebCrypto imports happen once per isolate (keyed by the secret's text), never per
 * request. The native `importKey("jwk")` is enough here, so jose stays inside jwt.ts.
 */

/** A public JWK as published at /.well-known/jwks.json: no private members. */
export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

interface KeyRing {
  signing: { kid: string; key: CryptoKey };
  /** Verification keys by `kid`. */
  verifying: Map<string, CryptoKey>;
  publicJwks: PublicJwk[];
}

interface PrivateEcJwk extends JsonWebKey {
  kid?: string;
  alg?: string;
}

const ES256 = { name: "ECDSA", namedCurve: "P-256" } as const;

/** Thrown for a misconfigured key set; the request fails with a generic 500. */
export class KeyConfigError extends Error {
  override name = "KeyConfigError";
}

/** Parses and checks the JWK set (pure; exported for unit tests). */
export function parseSigningKeys(raw: string | undefined): PrivateEcJwk[] {
  if (!raw) throw new KeyConfigError("JWT_SIGNING_KEYS is not set");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new KeyConfigError("JWT_SIGNING_KEYS is not JSON");
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new KeyConfigError('JWT_SIGNING_KEYS must be {"keys":[...]} with at least one key');
  }
  const seen = new Set<string>();
  return keys.map((key: unknown, i) => {
    const jwk = key as PrivateEcJwk;
    if (
      typeof jwk !== "object" ||
      jwk === null ||
      jwk.kty !== "EC" ||
      jwk.crv !== "P-256" ||
      typeof jwk.x !== "string" ||
      typeof jwk.y !== "string" ||
      typeof jwk.d !== "string"
    ) {
      throw new KeyConfigError(`JWT_SIGNING_KEYS key ${i} is not a private EC P-256 JWK`);
    }
    if (jwk.alg !== undefined && jwk.alg !== "ES256") {
      throw new KeyConfigError(`JWT_SIGNING_KEYS key ${i} has alg ${jwk.alg}, expected ES256`);
    }
    if (typeof jwk.kid !== "string" || jwk.kid.length === 0) {
      throw new KeyConfigError(`JWT_SIGNING_KEYS key ${i} has no kid (needed to pick the key on rotation)`);
    }
    if (seen.has(jwk.kid)) throw new KeyConfigError(`JWT_SIGNING_KEYS has kid ${jwk.kid} twice`);
    seen.add(jwk.kid);
    return jwk;
  });
}

/** The public half of a private JWK, with exactly the members verifiers need. */
export function toPublicJwk(jwk: PrivateEcJwk): PublicJwk {
  return { kty: "EC", crv: "P-256", x: jwk.x!, y: jwk.y!, kid: jwk.kid!, alg: "ES256", use: "sig" };
}

async function buildKeyRing(raw: string): Promise<KeyRing> {
  const jwks = parseSigningKeys(raw);
  const publicJwks = jwks.map(toPublicJwk);
  const first = jwks[0]!;
  const { kid: _kid, alg: _alg, key_ops: _ops, use: _use, ...signJwk } = first;
  const signingKey = await crypto.subtle.importKey("jwk", signJwk, ES256, false, ["sign"]);
  const verifying = new Map<string, CryptoKey>();
  for (const pub of publicJwks) {
    const { kty, crv, x, y } = pub;
    verifying.set(
      pub.kid,
      await crypto.subtle.importKey("jwk", { kty, crv, x, y }, ES256, false, ["verify"]),
    );
  }
  return { signing: { kid: first.kid!, key: signingKey }, verifying, publicJwks };
}

let cached: { raw: string; ring: Promise<KeyRing> } | undefined;

/** The isolate's key ring for this secret value, imported on first use. */
export function getKeyRing(env: { JWT_SIGNING_KEYS: string }): Promise<KeyRing> {
  const raw = env.JWT_SIGNING_KEYS;
  if (cached?.raw !== raw) {
    const ring = buildKeyRing(raw);
    cached = { raw, ring };
    // A broken secret is not cached for good: the next request tries again (after a fix deploys).
    ring.catch(() => {
      if (cached?.ring === ring) cached = undefined;
    });
  }
  return cached.ring;
}
