import type { IncomingMessage, ServerResponse } from "node:http";
import { createPublicKey, type KeyObject, randomBytes } from "node:crypto";
import { compactVerify, exportPKCS8, generateKeyPair, type CryptoKey } from "jose";
import { header, isRecord, parseJsonObject, readBody, sendJson } from "./http-util";

/**
 * A Google OAuth2 token endpoint for one service account (the JWT-bearer grant), checking the
 * assertion the way Google does, and the access tokens it issued: shared by the fake FCM and the
 * fake Play Developer API.
 */

const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ACCESS_TOKEN_SECONDS = 3599;
const MAX_ASSERTION_SECONDS = 3600;
/** Google tolerates a little clock skew on `iat`. */
const CLOCK_SKEW_SECONDS = 60;

/** Service-account material to accept instead of a fresh key (`npm run dev` restarts). */
export interface ServiceAccountCredentials {
  privateKeyPem: string;
  projectId: string;
  clientEmail: string;
}

export interface GoogleOAuthFake {
  projectId: string;
  clientEmail: string;
  privateKeyPem: string;
  /** POST {tokenUri}: answers the grant (the caller routes it here). */
  handleToken(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Whether `authorization` carries an access token this endpoint issued that has not expired. */
  authorized(authorization: string | undefined): boolean;
  /** Makes every access token issued so far expired (to test re-fetching). */
  expireAll(): void;
  /** The service account JSON the Worker's secret holds, once the token URI is known. */
  serviceAccountJson(tokenUri: string, apiBase: string): string;
  tokenRequests(): number;
  resetStats(): void;
}

async function parseForm(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if ((header(req, "content-type") ?? "").includes("application/json")) return parseJsonObject(raw) ?? {};
  return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
}

export async function createGoogleOAuthFake(options: {
  /** Scopes of which the assertion must carry one. */
  scopes: string[];
  /** The exact audience the assertion must name (known once the server listens). */
  tokenUri: () => string;
  credentials?: ServiceAccountCredentials;
  defaultProjectPrefix: string;
  defaultAccountName: string;
}): Promise<GoogleOAuthFake> {
  let publicKey: CryptoKey | KeyObject;
  let privateKeyPem: string;
  if (options.credentials) {
    privateKeyPem = options.credentials.privateKeyPem;
    publicKey = createPublicKey(privateKeyPem);
  } else {
    const pair = await generateKeyPair("RS256", { extractable: true });
    publicKey = pair.publicKey;
    privateKeyPem = await exportPKCS8(pair.privateKey);
  }
  const projectId =
    options.credentials?.projectId ?? `${options.defaultProjectPrefix}-${randomBytes(3).toString("hex")}`;
  const clientEmail =
    options.credentials?.clientEmail ?? `${options.defaultAccountName}@${projectId}.iam.gserviceaccount.com`;
  const issued = new Map<string, number>(); // access token → expiry (ms)
  let requests = 0;

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests++;
    const form = await parseForm(req);
    const grant = (error: string, description: string) =>
      sendJson(res, 400, { error, error_description: description });
    if (form.grant_type !== GRANT_TYPE) {
      return grant("unsupported_grant_type", `Invalid grant_type: ${String(form.grant_type ?? "")}`);
    }
    if (typeof form.assertion !== "string" || form.assertion === "") {
      return grant("invalid_request", "Missing required parameter: assertion");
    }
    let claims: Record<string, unknown>;
    try {
      const verified = await compactVerify(form.assertion, publicKey as CryptoKey, { algorithms: ["RS256"] });
      const parsed: unknown = JSON.parse(new TextDecoder().decode(verified.payload));
      if (!isRecord(parsed)) return grant("invalid_grant", "Invalid JWT: claims are not an object.");
      claims = parsed;
    } catch {
      return grant("invalid_grant", "Invalid JWT Signature.");
    }
    if (claims.iss !== clientEmail) return grant("invalid_grant", "Invalid grant: account not found");
    const tokenUri = options.tokenUri();
    if (claims.aud !== tokenUri) {
      return grant("invalid_grant", `Invalid JWT: Failed audience check. The right audience is ${tokenUri}`);
    }
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (
      typeof iat !== "number" ||
      typeof exp !== "number" ||
      exp <= now ||
      iat > now + CLOCK_SKEW_SECONDS ||
      exp - iat > MAX_ASSERTION_SECONDS ||
      exp <= iat
    ) {
      return grant(
        "invalid_grant",
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.",
      );
    }
    const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
    if (!scopes.some((s) => options.scopes.includes(s))) {
      return grant("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString("base64url")}`;
    issued.set(accessToken, Date.now() + ACCESS_TOKEN_SECONDS * 1000);
    return sendJson(res, 200, {
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_SECONDS,
      token_type: "Bearer",
    });
  }

  return {
    projectId,
    clientEmail,
    privateKeyPem,
    handleToken,
    authorized(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
      const expiry = token ? issued.get(token) : undefined;
      return expiry !== undefined && expiry > Date.now();
    },
    expireAll() {
      for (const key of issued.keys()) issued.set(key, 0);
    },
    serviceAccountJson(tokenUri, apiBase) {
      return JSON.stringify({
        type: "service_account",
        project_id: projectId,
        private_key_id: randomBytes(20).toString("hex"),
        private_key: privateKeyPem,
        client_email: clientEmail,
        client_id: String(100000000000000000000n + BigInt(randomBytes(6).readUIntBE(0, 6))),
        auth_uri: `${apiBase}/auth`,
        token_uri: tokenUri,
      });
    },
    tokenRequests: () => requests,
    resetStats() {
      requests = 0;
    },
  };
}
