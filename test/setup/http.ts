import { exports } from "cloudflare:workers";

/** The apps' view of Outpost: a request through the Worker's fetch handler, as over HTTP. */
export function call(
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  return exports.default.fetch(new Request(`http://outpost.test${path}`, { ...init, headers, body }));
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  userId: string;
  deviceId: string;
}

/** Signs in a fresh anonymous user through the public API. */
export async function anonymousUser(deviceId: string = crypto.randomUUID()): Promise<SignedIn> {
  const res = await call("/v1/auth/anonymous", { method: "POST", json: { deviceId } });
  if (res.status !== 200) throw new Error(`anonymous sign-in failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ accessToken: string; refreshToken: string; user: { id: string } }>();
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: body.user.id, deviceId };
}

/** Headers for admin endpoints. */
export function adminHeaders(apiKey: string): Record<string, string> {
  return { Authorization: `Bearer ${apiKey}` };
}
