import { PLAY_SCOPE, readPlayServiceAccount } from "../worker/entitlements/play/service-account";
import type { ServiceAccount } from "../worker/google/service-account-token";
import { GoogleCredentials } from "./google-credentials";

/** The Play Developer API's OAuth tokens for the whole deployment (use the object named "play"). */
export class PlayCredentials extends GoogleCredentials {
  protected scope(): string {
    return PLAY_SCOPE;
  }

  protected account(): ServiceAccount {
    return readPlayServiceAccount(this.env);
  }
}
