import type { DeviceRegistration, InboxPage } from "./api-types.js";
import type { Http } from "./http.js";
import { KEYS } from "./keys.js";
import type { OutpostStorage } from "./storage/types.js";

export interface PushRegistration {
  provider: "apns" | "fcm";
  /** The APNs device token (hex) or the FCM registration token. */
  token: string;
  topics?: string[];
}

interface Stored extends PushRegistration {
  /** What the server last accepted: a change of any of these re-sends the registration. */
  appVersion: string;
  locale: string;
  userId: string;
}

export interface PushDeps {
  http: Http;
  storage: OutpostStorage;
  deviceId: () => string;
  platform: string;
  appVersion: string;
  locale: string;
  timezone: string | undefined;
  userId: () => string | null;
}

/** `outpost.push`: device registration, opens and the in-app inbox. */
export class Push {
  constructor(private readonly d: PushDeps) {}

  /** Registers this device for pushes (idempotent PUT /v1/devices/{deviceId}). */
  async register(registration: PushRegistration): Promise<void> {
    const userId = this.d.userId();
    if (!userId) throw new Error("outpost.push.register(): sign in first");
    const body: DeviceRegistration = {
      platform: this.d.platform as DeviceRegistration["platform"],
      pushProvider: registration.provider,
      pushToken: registration.token,
      appVersion: this.d.appVersion,
      locale: this.d.locale,
    };
    if (this.d.timezone) body.timezone = this.d.timezone;
    if (registration.topics) body.topics = registration.topics;
    await this.d.http.request("PUT", `/v1/devices/${encodeURIComponent(this.d.deviceId())}`, { body });
    const stored: Stored = {
      ...registration,
      appVersion: this.d.appVersion,
      locale: this.d.locale,
      userId,
    };
    await this.d.storage.setMany([[KEYS.push, JSON.stringify(stored)]]);
  }

  /**
   * Re-sends the last registration when the app version, locale or user changed since the
   * server accepted it (called at launch and after sign-in; failures wait for the next launch).
   */
  async reconcile(): Promise<void> {
    const raw = await this.d.storage.get(KEYS.push);
    const userId = this.d.userId();
    if (!raw || !userId) return;
    const last = JSON.parse(raw) as Stored;
    if (last.appVersion === this.d.appVersion && last.locale === this.d.locale && last.userId === userId)
      return;
    const registration: PushRegistration = { provider: last.provider, token: last.token };
    if (last.topics) registration.topics = last.topics;
    await this.register(registration);
  }

  /** Tells the server the user opened a push of this campaign (counted once per device). */
  async opened(campaignId: string): Promise<void> {
    await this.d.http.request("POST", "/v1/push/opened", {
      body: { campaignId, deviceId: this.d.deviceId() },
    });
  }

  /** The in-app inbox, newest first; pass the previous page's `cursor` for the next. */
  async inbox(page: { cursor?: number; limit?: number } = {}): Promise<InboxPage> {
    const q: string[] = [];
    if (page.cursor !== undefined) q.push(`cursor=${page.cursor}`);
    if (page.limit !== undefined) q.push(`limit=${page.limit}`);
    const res = await this.d.http.request<InboxPage>(
      "GET",
      `/v1/notifications${q.length ? `?${q.join("&")}` : ""}`,
    );
    return res.body;
  }

  async markRead(id: string): Promise<void> {
    await this.d.http.request("POST", `/v1/notifications/${encodeURIComponent(id)}/read`);
  }
}
