import { DurableObject } from "cloudflare:workers";
import { importPKCS8, SignJWT } from "jose";

/**
 * Mints the APNs provider token for the whole deployment (use the object named "apns").
 * Apple rejects tokens older than 60 minutes and answers 429 TooManyProviderTokenUpdates when
 * they are re-created more often than every 20 minutes, per team — so exactly one place mints:
 * here, at ~45 minutes of age, never sooner than 20 minutes after the last mint. The token is
 * persisted, so a restarted object hands out the same token instead of minting again.
 */

export const APNS_CREDENTIALS_NAME = "apns";
/** Re-mint when the current token is this old. */
export const REMINT_AGE_MS = 45 * 60_000;
/** Apple's floor between two mints. */
export const MIN_MINT_INTERVAL_MS = 20 * 60_000;

export interface ProviderToken {
  token: string;
  /** When it was minted (ms since epoch); its `iat` is this in seconds. */
  issuedAt: number;
}

export class ApnsCredentials extends DurableObject<Env> {
  #key: { pem: string; key: Promise<CryptoKey> } | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS provider_token (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         token TEXT NOT NULL,
         issued_at INTEGER NOT NULL
       )`,
    );
  }

  /** The current token; mints only when there is none or it is ~45 minutes old. */
  async getProviderToken(): Promise<ProviderToken> {
    const current = this.#current();
    if (current && Date.now() - current.issuedAt < REMINT_AGE_MS) return current;
    return this.#mintIf((latest) => !latest || Date.now() - latest.issuedAt >= REMINT_AGE_MS);
  }

  /**
   * APNs called `token` expired. Re-mint only if it is still the current one and the 20-minute
   * floor allows; otherwise hand back the current one (someone already re-minted, or minting now
   * would earn a TooManyProviderTokenUpdates for every sender).
   */
  async reportExpired(token: string): Promise<ProviderToken> {
    return this.#mintIf(
      (latest) => !latest || (latest.token === token && Date.now() - latest.issuedAt >= MIN_MINT_INTERVAL_MS),
    );
  }

  /**
   * Signing awaits WebCrypto, which would let concurrent calls interleave and each mint: the
   * decision and the mint run inside blockConcurrencyWhile, so concurrent callers queue up and
   * then see the token the first one minted.
   */
  async #mintIf(shouldMint: (latest: ProviderToken | undefined) => boolean): Promise<ProviderToken> {
    let result: ProviderToken | undefined;
    let failure: unknown;
    // A throw inside blockConcurrencyWhile resets the object: failures are carried out instead.
    await this.ctx.blockConcurrencyWhile(async () => {
      const latest = this.#current();
      if (!shouldMint(latest) && latest) {
        result = latest;
        return;
      }
      const issuedAt = Date.now();
      let token: string;
      try {
        token = await this.#sign(issuedAt);
      } catch (error) {
        failure = error;
        return;
      }
      this.ctx.storage.sql.exec(
        `INSERT INTO provider_token (id, token, issued_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET token = excluded.token, issued_at = excluded.issued_at`,
        token,
        issuedAt,
      );
      result = { token, issuedAt };
    });
    if (!result) throw failure instanceof Error ? failure : new Error("APNs provider token was not minted");
    return result;
  }

  #current(): ProviderToken | undefined {
    const row = this.ctx.storage.sql
      .exec<{ token: string; issued_at: number }>("SELECT token, issued_at FROM provider_token WHERE id = 1")
      .toArray()[0];
    return row ? { token: row.token, issuedAt: row.issued_at } : undefined;
  }

  async #sign(issuedAt: number): Promise<string> {
    const { APNS_KEY_P8: pem, APNS_KEY_ID: keyId, APNS_TEAM_ID: teamId } = this.env;
    if (!pem || !keyId || !teamId) throw new Error("APNs token auth is not configured");
    let entry = this.#key;
    if (entry?.pem !== pem) {
      entry = { pem, key: importPKCS8(pem, "ES256") };
      this.#key = entry;
    }
    let key: CryptoKey;
    try {
      key = await entry.key;
    } catch (error) {
      this.#key = undefined;
      throw error;
    }
    return new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: keyId })
      .setIssuer(teamId)
      .setIssuedAt(Math.floor(issuedAt / 1000))
      .sign(key);
  }
}
