/**
 * The decoded App Store payloads we read (App Store Server Notifications v2 and the App Store
 * Server API's JWSTransaction / JWSRenewalInfo), narrowed from verified JSON. Fields we do not
 * use are not listed; a field of the wrong type makes the message unusable (refused).
 */
export interface AppleTransaction {
  transactionId: string;
  originalTransactionId: string;
  bundleId: string;
  productId: string;
  type: string | null;
  expiresDate: number | null;
  revocationDate: number | null;
  isUpgraded: boolean;
  appAccountToken: string | null;
  inAppOwnershipType: string | null;
  environment: string;
  signedDate: number;
}

export interface AppleRenewalInfo {
  originalTransactionId: string;
  autoRenewProductId: string | null;
  autoRenewStatus: number | null;
  isInBillingRetryPeriod: boolean;
  gracePeriodExpiresDate: number | null;
  environment: string;
  signedDate: number;
}

export interface AppleNotification {
  notificationType: string;
  subtype: string | null;
  notificationUUID: string;
  signedDate: number;
  data: {
    bundleId: string | null;
    appAppleId: number | null;
    environment: string | null;
    signedTransactionInfo: string | null;
    signedRenewalInfo: string | null;
  } | null;
}

type Json = Record<string, unknown>;

const str = (o: Json, k: string): string | null =>
  typeof o[k] === "string" && o[k] !== "" ? (o[k] as string) : null;
const num = (o: Json, k: string): number | null =>
  typeof o[k] === "number" && Number.isFinite(o[k]) ? (o[k] as number) : null;

function need<T>(value: T | null, what: string): T {
  if (value === null) throw new TypeError(`missing ${what}`);
  return value;
}

export function readTransaction(o: Json): AppleTransaction {
  return {
    transactionId: need(str(o, "transactionId"), "transactionId"),
    originalTransactionId: need(str(o, "originalTransactionId"), "originalTransactionId"),
    bundleId: need(str(o, "bundleId"), "bundleId"),
    productId: need(str(o, "productId"), "productId"),
    type: str(o, "type"),
    expiresDate: num(o, "expiresDate"),
    revocationDate: num(o, "revocationDate"),
    isUpgraded: o.isUpgraded === true,
    appAccountToken: str(o, "appAccountToken")?.toLowerCase() ?? null,
    inAppOwnershipType: str(o, "inAppOwnershipType"),
    environment: need(str(o, "environment"), "environment"),
    signedDate: need(num(o, "signedDate"), "signedDate"),
  };
}

export function readRenewalInfo(o: Json): AppleRenewalInfo {
  return {
    originalTransactionId: need(str(o, "originalTransactionId"), "originalTransactionId"),
    autoRenewProductId: str(o, "autoRenewProductId"),
    autoRenewStatus: num(o, "autoRenewStatus"),
    isInBillingRetryPeriod: o.isInBillingRetryPeriod === true,
    gracePeriodExpiresDate: num(o, "gracePeriodExpiresDate"),
    environment: need(str(o, "environment"), "environment"),
    signedDate: need(num(o, "signedDate"), "signedDate"),
  };
}

export function readNotification(o: Json): AppleNotification {
  const data =
    typeof o.data === "object" && o.data !== null && !Array.isArray(o.data) ? (o.data as Json) : null;
  return {
    notificationType: need(str(o, "notificationType"), "notificationType"),
    subtype: str(o, "subtype"),
    notificationUUID: need(str(o, "notificationUUID"), "notificationUUID"),
    signedDate: need(num(o, "signedDate"), "signedDate"),
    data: data && {
      bundleId: str(data, "bundleId"),
      appAppleId: num(data, "appAppleId"),
      environment: str(data, "environment"),
      signedTransactionInfo: str(data, "signedTransactionInfo"),
      signedRenewalInfo: str(data, "signedRenewalInfo"),
    },
  };
}
