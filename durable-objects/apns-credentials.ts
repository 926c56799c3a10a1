import { DurableObject } from "cloudflare:workers";
import {
  needsMint,
  needsMintAfterExpiry,
  type ProviderToken,
  REMINT_AGE_MS,
  signProviderToken,
} from "../worker/push/providers/apns/provider-token";

/**
 * Mints the APNs provider token for the whole deployment (use the object named "apns"); the
 * rules for when live in `worker/push/providers/apns/provider-token.ts`. The token is persisted,
 * so a restarted object hands out the same token instead of minting again.
 */
export class ApnsCredentials extends DurableObject<Env> {
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
    return this.#mintIf((latest) => needsMint(latest, Date.now()));
  }

  /** APNs called `token` expired: re-mint only if the rule allows, else hand back the current one. */
  async reportExpired(token: string): Promise<ProviderToken> {
    return this.#mintIf((latest) => needsMintAfterExpiry(latest, token, Date.now()));
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
        token = await signProviderToken(this.env, issuedAt);
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
}
