import type { Db } from "./db/client";
import type { CountedSession } from "./db/counted-session";
import type { DeviceProfile } from "./tailor/profile";

/**
 * Secrets are not in wrangler.toml; `npm run cf-typegen` reads their names from
 * `.dev.vars.example` (never from a local `.dev.vars`, so the generated types are the same on
 * every machine). Repeated here only to document them.
 */
declare global {
  namespace Cloudflare {
    interface Env {
      /** Private ES256 JWK set (JSON `{"keys":[...]}`); the first key signs, every key verifies. */
      JWT_SIGNING_KEYS: string;
      /** Bearer key for admin endpoints. */
      ADMIN_API_KEY: string;
      /** Google service account JSON for FCM HTTP v1. */
      FCM_SERVICE_ACCOUNT: string;
      /** Google service account JSON for the Play Developer API. */
      PLAY_SERVICE_ACCOUNT: string;
      /** APNs token-auth key (.p8, PKCS#8 PEM). */
      APNS_KEY_P8: string;
      /** Analytics Engine SQL API token (read where `ANALYTICS_ACCOUNT_ID` is set). */
      ANALYTICS_API_TOKEN: string;
    }
  }
}

/** Who is calling, once `authenticate()` has verified an access token. */
export interface AuthContext {
  userId: string;
  sessionId: string;
  anonymous: boolean;
  /** When the access token expires (ms): what outlives a request (a sync socket) ends with it. */
  expiresAt: number;
}

interface AppVariables {
  requestId: string;
  /** Milliseconds spent per named phase, reported in `Server-Timing`. */
  timings: Map<string, number>;
  profile: DeviceProfile;
  /** This request's database handle (`database()`, over its D1 session); query functions take it as `db`. */
  db: Db;
  /** The same request's D1 session, for raw query modules (`D1Like`); it counts round trips. */
  d1: CountedSession;
  /** Set by `authenticate()` when a valid user access token was presented. */
  auth?: AuthContext;
  /** The route template that matched, for logs and metrics (never the raw path). */
  route?: string;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

/**
 * What a handler behind `requireUser()` may rely on: the caller is a signed-in user, so
 * `c.var.auth` is an `AuthContext` (no cast, no `!`).
 */
export type UserEnv = { Variables: { auth: AuthContext } };
