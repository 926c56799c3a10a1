import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { fetchJson, type StartedWorker } from "./start-worker";

/** Users, devices and console sessions for the console's end-to-end tests. */

export interface AppUser {
  userId: string;
  email: string;
  deviceId: string;
  accessToken: string;
  refreshToken: string;
}

/** Signs `sub` in through the fake OIDC issuer on a new install. */
export async function signInUser(
  worker: StartedWorker,
  sub: string,
  platform: "ios" | "android",
): Promise<AppUser> {
  const nonce = crypto.randomUUID();
  const email = `${sub}@example.com`;
  const minted = await fetch(`${worker.fakes.controlUrl}/oidc/id-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sub, email, nonce }),
  });
  const { idToken } = (await minted.json()) as { idToken: string };
  const deviceId = crypto.randomUUID();
  const res = await fetchJson<{ accessToken: string; refreshToken: string; user: { id: string } }>(
    worker.url,
    "/v1/auth/oidc",
    {
      method: "POST",
      headers: { "X-Platform": platform },
      json: { provider: worker.fakes.oidc.name, idToken, nonce, deviceId },
    },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    userId: res.body.user.id,
    email,
    deviceId,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export const apnsToken = () => randomBytes(32).toString("hex");
export const fcmToken = () => `fcm-${crypto.randomUUID()}:${randomBytes(20).toString("hex")}`;

/** Registers the user's install with a push token. */
export async function registerDevice(
  worker: StartedWorker,
  user: AppUser,
  device: { platform: "ios" | "android"; token: string; appVersion?: string; locale?: string },
): Promise<void> {
  const res = await fetchJson(worker.url, `/v1/devices/${user.deviceId}`, {
    method: "PUT",
    token: user.accessToken,
    headers: { "X-Platform": device.platform, "X-Device-Id": user.deviceId },
    json: {
      platform: device.platform,
      pushProvider: device.platform === "ios" ? "apns" : "fcm",
      pushToken: device.token,
      appVersion: device.appVersion ?? "3.2.1",
      locale: device.locale ?? "de-CH",
      timezone: "Europe/Zurich",
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export const CONSOLE_COOKIE = "__Host-outpost_console";

/** Signs into the console over HTTP; returns the `Cookie` header value. */
export async function consoleCookie(worker: StartedWorker): Promise<string> {
  const res = await fetch(`${worker.url}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: worker.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ key: worker.adminKey }),
  });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get("Set-Cookie") ?? "";
  const value = new RegExp(`${CONSOLE_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
  expect(value).toBeTruthy();
  return `${CONSOLE_COOKIE}=${value}`;
}

/** The CSRF token a console page embeds for its forms. */
export async function csrfToken(
  worker: StartedWorker,
  cookie: string,
  path = "/console/config",
): Promise<string> {
  const res = await fetch(`${worker.url}${path}`, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  expect(token).toBeTruthy();
  return token ?? "";
}

/** Rows from the worker's D1 (for asserting that a refused request changed nothing). */
export async function query<T>(worker: StartedWorker, sql: string, ...params: unknown[]): Promise<T[]> {
  const db = await worker.mf.getD1Database("DB");
  const { results } = await db
    .prepare(sql)
    .bind(...params)
    .all<T>();
  return results;
}
