import { FCM_SCOPE } from "../worker/push/providers/fcm/access-token";
import { readServiceAccount, type ServiceAccount } from "../worker/google/service-account-token";
import { GoogleCredentials } from "./google-credentials";

/** FCM's OAuth tokens for the whole deployment (use the object named "fcm"). */
export class FcmCredentials extends GoogleCredentials {
  protected scope(): string {
    return FCM_SCOPE;
  }

  protected account(): ServiceAccount {
    return readServiceAccount(this.env.FCM_SERVICE_ACCOUNT, "FCM_SERVICE_ACCOUNT");
  }
}
