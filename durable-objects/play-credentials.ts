import { PLAY_SCOPE, readPlayServiceAccount } from "../worker/entitlements/play/service-account";
import { GoogleCredentials } from "./google-credentials";

/** The Play Developer API's OAuth tokens for the whole deployment (use the object named "play"). */
export class PlayCredentials extends GoogleCredentials {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, { scope: PLAY_SCOPE, account: readPlayServiceAccount });
  }
}
