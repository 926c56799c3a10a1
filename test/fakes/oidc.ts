import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWK,
} from "jose";
import { closeServer, guarded, listen, sendJson } from "./http-util";

export type IdTokenAlg = "RS256" | "ES256" | "HS256" | "none";

/** What a test may ask of the issuer; every field is optional except the subject. */
export interface IdTokenRequest {
  sub: string;
  aud?: string | string[];
  iss?: string;
  nonce?: string;
  email?: string;
  /** The `email_verified` claim sent with `email` (default true). */
  emailVerified?: boolean;
  /** Seconds from now until `exp`; negative mints an already expired token. Default 600. */
  expiresIn?: number;
  /** Epoch seconds; default now. */
  iat?: number;
  alg?: IdTokenAlg;
  /** "unknown-key" signs with a key the JWKS does not publish, under a published kid (a forgery). */
  signWith?: "known" | "unknown-key";
}

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface OidcFake {
  name: string;
  issuer: string;
  jwksUri: string;
  audience: string;
  mintIdToken(request: IdTokenRequest): Promise<string>;
  close(): Promise<void>;
}

async function makeKey(alg: "RS256" | "ES256", kid: string): Promise<KeyPair & { publicKey: CryptoKey }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg, use: "sig" } };
}

/**
 * A Sign-in-with-Apple/Google-shaped issuer: discovery document and JWKS over HTTP; ID tokens
 * are minted in-process (the control server exposes `mintIdToken`), including the forgeries
 * Outpost must refuse.
 */
export async function startOidcFake(options: {
  host: string;
  port: number;
  name?: string;
  audience?: string;
}): Promise<OidcFake> {
  const suffix = randomBytes(4).toString("hex");
  const rsa = await makeKey("RS256", `rsa-${suffix}`);
  const ec = await makeKey("ES256", `ec-${suffix}`);
  // Same kids as the published keys, so a verifier finds "the" key and must fail on the signature.
  const unknownRsa = await makeKey("RS256", rsa.kid);
  const unknownEc = await makeKey("ES256", ec.kid);
  // The HS256 confusion attack uses the public key's PEM text as the HMAC secret.
  const rsaPublicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
  const audience = options.audience ?? "outpost-test";
  const name = options.name ?? "test";

  let issuer = "";
  const server = createServer(
    guarded(async (req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      if (req.method !== "GET") return sendJson(res, 405, { error: "method not allowed" });
      if (path === "/.well-known/openid-configuration") {
        return sendJson(res, 200, {
          issuer,
          jwks_uri: `${issuer}/jwks`,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          response_types_supported: ["id_token", "code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256", "ES256"],
          scopes_supported: ["openid", "email"],
          claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified"],
        });
      }
      if (path === "/jwks") {
        return sendJson(res, 200, { keys: [rsa.publicJwk, ec.publicJwk] });
      }
      return sendJson(res, 404, { error: "not found" });
    }),
  );
  issuer = await listen(server, options.host, options.port);

  async function mintIdToken(request: IdTokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      sub: request.sub,
      iat: request.iat ?? now,
      exp: now + (request.expiresIn ?? 600),
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      ...(request.email !== undefined
        ? { email: request.email, email_verified: request.emailVerified ?? true }
        : {}),
    };
    const iss = request.iss ?? issuer;
    const aud = request.aud ?? audience;
    const alg = request.alg ?? "RS256";
    if (alg === "none") {
      return new UnsecuredJWT(claims).setIssuer(iss).setAudience(aud).encode();
    }
    const forged = request.signWith === "unknown-key";
    if (alg === "HS256") {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256", kid: rsa.kid, typ: "JWT" })
        .setIssuer(iss)
        .setAudience(aud)
        .sign(forged ? randomBytes(32) : rsaPublicPem);
    }
    const pair = alg === "ES256" ? (forged ? unknownEc : ec) : forged ? unknownRsa : rsa;
    return new SignJWT(claims)
      .setProtectedHeader({ alg, kid: pair.kid, typ: "JWT" })
      .setIssuer(iss)
      .setAudience(aud)
      .sign(pair.privateKey);
  }

  return {
    name,
    issuer,
    jwksUri: `${issuer}/jwks`,
    audience,
    mintIdToken,
    close: () => closeServer(server),
  };
}
