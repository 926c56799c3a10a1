import type { Emitter } from "../emitter.js";
import type { Http } from "../http.js";
import { KEYS, userPrefix } from "../keys.js";
import type { OutpostStorage } from "../storage/types.js";
import type { TokenResponseBody } from "../api-types.js";
import { toUser, type User } from "./session.js";
import type { AuthEvents, TokenKeeper } from "./tokens.js";

export interface IdTokenSignIn {
  provider: string;
  idToken: string;
  nonce?: string;
}

/** `outpost.auth`: sign-in, sign-out and the current user. */
export class Auth {
  /** Set by Outpost: stops the user's sync before their data is deleted. */
  beforeSignOut: (userId: string) => Promise<void> = async () => undefined;
  /** Set by Outpost: loads the new user's spaces before sign-in resolves. */
  afterSignIn: (user: User) => Promise<void> = async () => undefined;

  constructor(
    private readonly http: Http,
    private readonly tokens: TokenKeeper,
    private readonly storage: Required<OutpostStorage>,
    private readonly events: Emitter<AuthEvents>,
    private readonly deviceId: () => string,
    private readonly now: () => number,
  ) {}

  get user(): User | null {
    return this.tokens.session?.user ?? null;
  }

  /** Called with the new user (or null) whenever it changes; returns the unsubscribe. */
  onChange(listener: (user: User | null) => void): () => void {
    return this.events.on("change", listener);
  }

  /** `signedOut` fires when the server ends the session (`refresh_token_reused`, …) or on signOut(). */
  on<K extends keyof AuthEvents>(event: K, listener: (payload: AuthEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  async signInAnonymously(): Promise<User> {
    const res = await this.http.request<TokenResponseBody>("POST", "/v1/auth/anonymous", {
      auth: "none",
      body: { deviceId: this.deviceId() },
    });
    return this.start(res.body);
  }

  /** Signs in with an OIDC ID token; an anonymous user is upgraded in place (same id). */
  async signInWithIdToken(input: IdTokenSignIn): Promise<User> {
    const body: Record<string, string> = {
      provider: input.provider,
      idToken: input.idToken,
      deviceId: this.deviceId(),
    };
    if (input.nonce) body.nonce = input.nonce;
    const upgrade = this.user?.anonymous === true;
    const res = await this.http.request<TokenResponseBody>("POST", "/v1/auth/oidc", {
      auth: upgrade ? "optional" : "none",
      body,
    });
    return this.start(res.body);
  }

  private async start(res: TokenResponseBody): Promise<User> {
    const user = toUser(res.user);
    await this.tokens.save({
      accessToken: res.accessToken,
      refreshToken: res.refreshToken,
      expiresAt: this.now() + res.expiresIn * 1000,
      user,
    });
    await this.afterSignIn(user);
    return user;
  }

  /**
   * Ends the session on the server (best effort: offline, the local sign-out still happens),
   * then forgets the tokens and this user's local data and queue.
   */
  async signOut(): Promise<void> {
    const user = this.user;
    if (!user) return;
    await this.http.request("POST", "/v1/auth/logout", { auth: "required" }).catch(() => undefined);
    await this.beforeSignOut(user.id);
    const own = await this.storage.getMany(userPrefix(user.id));
    // The push registration stays: the next user to sign in on this device re-registers it.
    await this.storage.setMany([[KEYS.session, null], ...own.map(([key]): [string, null] => [key, null])]);
    this.events.emit("signedOut", { reason: "user" });
    await this.tokens.save(null);
  }
}
