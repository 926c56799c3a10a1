import { DurableObject } from "cloudflare:workers";
import {
  accountKeyOf,
  exchangeAccessToken,
  type GoogleAccessToken,
  type GoogleTokenResult,
  needsExchange,
  needsExchangeAfterRefusal,
  type ServiceAccount,
  tokenFailure,
} from "../worker/google/service-account-token";

/**
 * The one place that exchanges a Google service account's OAuth tokens for the whole deployment
 * (one subclass per account and scope: FCM's, Play's). Isolates cache the token and come here
 * only near its expiry; minting runs inside blockConcurrencyWhile, so callers arriving together
 * queue up and then share what the first one minted. The token is persisted, so a restarted
 * object does not exchange again.
 */
export abstract class GoogleCredentials extends DurableObject<Env> {
  // Private fields, not methods: every public method of a Durable Object is callable over RPC, and
  // the account holds the private key.
  readonly #scope: string;
  readonly #account: (env: Env) => ServiceAccount;

  /**
   * `scope`: what the tokens are minted for; `account`: the service account (throws
   * GoogleAuthError when unusable).
   */
  constructor(
    ctx: DurableObjectState,
    env: Env,
    source: { scope: string; account: (env: Env) => ServiceAccount },
  ) {
    super(ctx, env);
    this.#scope = source.scope;
    this.#account = source.account;
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
  async getAccessToken(): Promise<GoogleTokenResult> {
    return this.#mintIf((latest, key) => needsExchange(latest, key, Date.now()));
  }

  /** The API refused `token`: exchange again only if it is still the current one. */
  async reportUnauthorized(token: string): Promise<GoogleTokenResult> {
    return this.#mintIf((latest, key) => needsExchangeAfterRefusal(latest, key, token, Date.now()));
  }

  async #mintIf(
    shouldMint: (latest: GoogleAccessToken | undefined, accountKey: string) => boolean,
  ): Promise<GoogleTokenResult> {
    let result: GoogleTokenResult | undefined;
    // A throw inside blockConcurrencyWhile resets the object: failures are carried out instead.
    await this.ctx.blockConcurrencyWhile(async () => {
      try {
        const account = this.#account(this.env);
        const scope = this.#scope;
        const latest = this.#current();
        if (latest && !shouldMint(latest, accountKeyOf(account, scope))) {
          result = { ok: true, ...latest };
          return;
        }
        const fresh = await exchangeAccessToken(account, scope);
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
    return result ?? { ok: false, message: "access token was not minted", retryable: true };
  }

  #current(): GoogleAccessToken | undefined {
    const row = this.ctx.storage.sql
      .exec<{ account_key: string; token: string; expires_at: number }>(
        "SELECT account_key, token, expires_at FROM access_token WHERE id = 1",
      )
      .toArray()[0];
    return row ? { accountKey: row.account_key, token: row.token, expiresAt: row.expires_at } : undefined;
  }
}
