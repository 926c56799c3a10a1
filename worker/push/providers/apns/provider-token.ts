import { importPKCS8, SignJWT } from "jose";

/**
 * The APNs provider token: when to mint one and how. Apple rejects tokens older than 60 minutes
 * and answers 429 TooManyProviderTokenUpdates when they are re-created more often than every 20
 * minutes, per team — so exactly one place mints (the `ApnsCredentials` Durable Object), at ~45
 * minutes of age, never sooner than 20 minutes after the last mint.
 */

/** Re-mint when the current token is this old. */
export const REMINT_AGE_MS = 45 * 60_000;
/** Apple's floor between two mints. */
export const MIN_MINT_INTERVAL_MS = 20 * 60_000;

/** A token as the minter hands it out (plain data: it crosses an RPC boundary). */
export interface ProviderToken {
  token: string;
  /** When it was minted (ms since epoch); its `iat` is this in seconds. */
  issuedAt: number;
}

/** The minter's rule for a plain request: mint when there is no token or it is ~45 minutes old. */
export function needsMint(latest: ProviderToken | undefined, now: number): boolean {
  return !latest || now - latest.issuedAt >= REMINT_AGE_MS;
}

/**
 * The minter's rule after APNs called `expired` expired: re-mint only if it is still the current
 * token and the 20-minute floor allows (otherwise someone already re-minted, or minting now would
 * earn a TooManyProviderTokenUpdates for every sender).
 */
export function needsMintAfterExpiry(
  latest: ProviderToken | undefined,
  expired: string,
  now: number,
): boolean {
  return !latest || (latest.token === expired && now - latest.issuedAt >= MIN_MINT_INTERVAL_MS);
}

// Importing the EC key is the expensive part: once per isolate (per key).
let importedKey: { pem: string; key: Promise<CryptoKey> } | undefined;

/** Signs the ES256 provider token (`kid` = key id, `iss` = team, `iat` = `issuedAt`). */
export async function signProviderToken(
  env: Pick<Env, "APNS_KEY_P8" | "APNS_KEY_ID" | "APNS_TEAM_ID">,
  issuedAt: number,
): Promise<string> {
  const { APNS_KEY_P8: pem, APNS_KEY_ID: keyId, APNS_TEAM_ID: teamId } = env;
  if (!pem || !keyId || !teamId) throw new Error("APNs token auth is not configured");
  let entry = importedKey;
  if (entry?.pem !== pem) {
    entry = { pem, key: importPKCS8(pem, "ES256") };
    importedKey = entry;
  }
  let key: CryptoKey;
  try {
    key = await entry.key;
  } catch (error) {
    if (importedKey === entry) importedKey = undefined;
    throw error;
  }
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: keyId })
    .setIssuer(teamId)
    .setIssuedAt(Math.floor(issuedAt / 1000))
    .sign(key);
}
