import { FCM_SCOPE, readFcmServiceAccount } from "../worker/push/providers/fcm/access-token";
import { GoogleCredentials } from "./google-credentials";

/** FCM's OAuth tokens for the whole deployment (use the object named "fcm"). */
export class FcmCredentials extends GoogleCredentials {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, { scope: FCM_SCOPE, account: (e) => readFcmServiceAccount(e.FCM_SERVICE_ACCOUNT) });
  }
}
