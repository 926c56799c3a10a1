import { DurableObject } from "cloudflare:workers";
import {
  accountKeyOf,
  exchangeAccessToken,
  type FcmAccessToken,
  type FcmTokenResult,
  needsExchange,
  needsExchangeAfterRefusal,
  readServiceAccount,
  tokenFailure,
} from "../worker/push/providers/fcm/access-token";

/**
 * The one place that exchanges FCM OAuth tokens for the whole deployment (use the object named
 * "fcm"). Isolates cache the token and come here only near its expiry; minting runs inside
 * blockConcurrencyWhile, so callers arriving together queue up and then share what the first
 * one minted. The token is persisted, so a restarted object does not exchange again.
 */
export class FcmCredentials extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS access_token (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         account_key TEXT NOT NULL,
         token TEXT NOT NULL,
         expires_at INTEGER NOT NULL
       )`,
    );
  }

  /** The current token, exchanging a new one only when none is fresh. */
  async getAccessToken(): Promise<FcmTokenResult> {
    return this.#mintIf((latest, key) => needsExchange(latest, key, Date.now()));
  }

  /** FCM refused `token`: exchange again only if it is still the current one. */
  async reportUnauthorized(token: string): Promise<FcmTokenResult> {
    return this.#mintIf((latest, key) => needsExchangeAfterRefusal(latest, key, token, Date.now()));
  }

  async #mintIf(
    shouldMint: (latest: FcmAccessToken | undefined, accountKey: string) => boolean,
  ): Promise<FcmTokenResult> {
    let result: FcmTokenResult | undefined;
    // A throw inside blockConcurrencyWhile resets the object: failures are carried out instead.
    await this.ctx.blockConcurrencyWhile(async () => {
      try {
        const account = readServiceAccount(this.env.FCM_SERVICE_ACCOUNT);
        const latest = this.#current();
        if (latest && !shouldMint(latest, accountKeyOf(account))) {
          result = { ok: true, ...latest };
          return;
        }
        const fresh = await exchangeAccessToken(account);
        this.ctx.storage.sql.exec(
          `INSERT INTO access_token (id, account_key, token, expires_at) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET account_key = excluded.account_key, token = excluded.token,
             expires_at = excluded.expires_at`,
          fresh.accountKey,
          fresh.token,
          fresh.expiresAt,
        );
        result = { ok: true, ...fresh };
      } catch (error) {
        result = tokenFailure(error);
      }
    });
    return result ?? { ok: false, message: "FCM access token was not minted", retryable: true };
  }

  #current(): FcmAccessToken | undefined {
    const row = this.ctx.storage.sql
      .exec<{ account_key: string; token: string; expires_at: number }>(
        "SELECT account_key, token, expires_at FROM access_token WHERE id = 1",
      )
      .toArray()[0];
    return row ? { accountKey: row.account_key, token: row.token, expiresAt: row.expires_at } : undefined;
  }
}
