/**
 * OIDC sign-in: verifies a provider's ID token against its JWKS. Providers come from
 * `OIDC_PROVIDERS` (`[{"name","issuer","jwksUri","audiences":[...]}]`), parsed once per
 * isolate; each provider's remote JWK set (jose caches keys and refetches on an unknown kid,
 * with a cooldown) is kept once per isolate too (`remote-jwks.ts`), so a warm isolate verifies
 * without fetching.
 */
import { jwtVerify, type JWTPayload } from "jose";
import { remoteJwks } from "./remote-jwks";

interface OidcProvider {
  name: string;
  issuer: string;
  jwksUri: string;
  audiences: string[];
}

/** Signature algorithms accepted for ID tokens. Never `none`, never HMAC (key confusion). */
const ID_TOKEN_ALGORITHMS = ["RS256", "ES256"];
/** Clock skew tolerated on `exp`, `iat` and `nbf`. */
const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 60;
/** An ID token is for signing in now: one issued longer ago than this is refused. */
const ID_TOKEN_MAX_AGE_SECONDS = 24 * 60 * 60;

export class InvalidIdToken extends Error {
  override name = "InvalidIdToken";
}

/** Parses `OIDC_PROVIDERS` (pure). Entries that are not well formed are a configuration error. */
export function parseOidcProviders(raw: string | undefined): Map<string, OidcProvider> {
  const providers = new Map<string, OidcProvider>();
  if (!raw || raw.trim() === "") return providers;
  const list: unknown = JSON.parse(raw);
  if (!Array.isArray(list)) throw new Error("OIDC_PROVIDERS must be a JSON array");
  for (const [i, item] of list.entries()) {
    const p = item as Partial<OidcProvider> | null;
    if (
      !p ||
      typeof p.name !== "string" ||
      typeof p.issuer !== "string" ||
      typeof p.jwksUri !== "string" ||
      !Array.isArray(p.audiences) ||
      p.audiences.length === 0 ||
      !p.audiences.every((a) => typeof a === "string")
    ) {
      throw new Error(`OIDC_PROVIDERS entry ${i} needs name, issuer, jwksUri and audiences[]`);
    }
    new URL(p.jwksUri); // throws on a malformed URL, at configuration time rather than sign-in
    providers.set(p.name, {
      name: p.name,
      issuer: p.issuer,
      jwksUri: p.jwksUri,
      audiences: [...p.audiences],
    });
  }
  return providers;
}

interface ProviderRuntime extends OidcProvider {
  jwks: ReturnType<typeof remoteJwks>;
}

let cached: { raw: string; providers: Map<string, ProviderRuntime> } | undefined;

function providersFor(raw: string): Map<string, ProviderRuntime> {
  if (cached?.raw === raw) return cached.providers;
  const providers = new Map<string, ProviderRuntime>();
  for (const [name, p] of parseOidcProviders(raw)) {
    providers.set(name, { ...p, jwks: remoteJwks(p.jwksUri) });
  }
  cached = { raw, providers };
  return providers;
}

/**
 * Whether the token's `nonce` claim matches the nonce the app sent. Sign in with Apple and
 * Google's iOS SDK put SHA-256(raw nonce) in the token when the app hashed it before the
 * request (the recommended flow), while other clients pass the nonce through unchanged; the
 * app sends us its raw nonce either way, so both the exact value and its lower-case hex SHA-256
 * are accepted.
 */
export async function nonceMatches(claim: unknown, nonce: string): Promise<boolean> {
  if (typeof claim !== "string") return false;
  if (claim === nonce) return true;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(nonce));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return claim.toLowerCase() === hex;
}

interface VerifiedIdToken {
  provider: string;
  issuer: string;
  subject: string;
  /** The email, when the provider says it is verified (or says nothing about it). */
  email: string | null;
}

/**
 * Verifies an ID token for `providerName`: signature against the provider's JWKS with an
 * allow-listed algorithm, `iss`, `aud` (any configured audience), `exp`, `iat` (present, not
 * in the future beyond the skew, not older than a day), and `nonce` when one is given.
 * Any failure, including an unknown provider or an unreachable JWKS, throws `InvalidIdToken`.
 */
export async function verifyIdToken(
  env: { OIDC_PROVIDERS: string },
  providerName: string,
  idToken: string,
  nonce: string | undefined,
): Promise<VerifiedIdToken> {
  const provider = providersFor(env.OIDC_PROVIDERS).get(providerName);
  if (!provider) throw new InvalidIdToken("unknown provider");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, provider.jwks, {
      algorithms: ID_TOKEN_ALGORITHMS,
      issuer: provider.issuer,
      audience: provider.audiences,
      requiredClaims: ["sub", "iat", "exp"],
      maxTokenAge: ID_TOKEN_MAX_AGE_SECONDS,
      clockTolerance: ID_TOKEN_CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw new InvalidIdToken(error instanceof Error ? `${error.name}: ${error.message}` : "invalid");
  }
  if (typeof payload.sub !== "string" || payload.sub === "") throw new InvalidIdToken("no subject");
  if (nonce !== undefined && !(await nonceMatches(payload.nonce, nonce))) {
    throw new InvalidIdToken("nonce mismatch");
  }
  const verified = payload.email_verified;
  const email =
    typeof payload.email === "string" && verified !== false && verified !== "false" ? payload.email : null;
  return { provider: provider.name, issuer: provider.issuer, subject: payload.sub, email };
}
