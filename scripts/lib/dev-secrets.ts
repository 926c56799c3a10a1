import { exportJWK, generateKeyPair } from "jose";
import { randomBytes } from "node:crypto";

/** A fresh private ES256 JWK set, as `JWT_SIGNING_KEYS` expects (`{"keys":[...]}`). */
export async function generateSigningKeySet(count = 1): Promise<string> {
  const keys = [];
  for (let i = 0; i < count; i++) {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = await exportJWK(privateKey);
    keys.push({ ...jwk, kid: `dev-${randomBytes(6).toString("hex")}`, alg: "ES256", use: "sig" });
  }
  return JSON.stringify({ keys });
}

/** A random admin bearer key (256 bits, base64url: no dots, so never mistaken for a JWT). */
export function generateAdminKey(): string {
  return `adm_${randomBytes(32).toString("base64url")}`;
}
