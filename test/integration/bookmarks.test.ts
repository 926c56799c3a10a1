import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registration } from "./devices-helpers";
import { adminHeaders, anonymousUser, call, mintIdToken } from "../setup/http";

/** The contract's "Reads near the phone": every response carries the D1 bookmark it reflects. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

const bookmarkOf = (res: Response) => res.headers.get("Outpost-Bookmark");

/** Signs in through the fake OIDC issuer: the same `sub` on two devices is one user, two sessions. */
async function oidcSignIn(sub: string, deviceId: string) {
  const idToken = await mintIdToken({ sub });
  const res = await call("/v1/auth/oidc", {
    method: "POST",
    json: { provider: env.OIDC_PROVIDER_NAME, idToken, deviceId },
  });
  expect(res.status).toBe(200);
  const body = await res.json<{ accessToken: string; user: { id: string } }>();
  return { token: body.accessToken, userId: body.user.id, bookmark: bookmarkOf(res) };
}

describe("Outpost-Bookmark", () => {
  it("is on responses that read or wrote D1, errors included", async () => {
    const user = await anonymousUser();
    const me = await call("/v1/me", { token: user.accessToken });
    expect(me.status).toBe(200);
    expect(bookmarkOf(me)).toMatch(BOOKMARK);
    expect(bookmarkOf(await call("/healthz"))).toMatch(BOOKMARK);
    // A 404 after a D1 read (not a member of that space) still says where the read happened.
    const missing = await call(`/v1/sync/${crypto.randomUUID()}/pull?cursor=0`, { token: user.accessToken });
    expect(missing.status).toBe(404);
    expect(bookmarkOf(missing)).toMatch(BOOKMARK);
  });

  it("comes from sign-in, and the new session reads with it", async () => {
    const res = await call("/v1/auth/anonymous", { method: "POST", json: { deviceId: crypto.randomUUID() } });
    expect(res.status).toBe(200);
    const bookmark = bookmarkOf(res);
    expect(bookmark).toMatch(BOOKMARK);
    const { accessToken } = await res.json<{ accessToken: string }>();
    const me = await call("/v1/me", { token: accessToken, headers: { "Outpost-Bookmark": bookmark! } });
    expect(me.status).toBe(200);
    expect(bookmarkOf(me)! >= bookmark!).toBe(true);
  });

  it("lets a client read its write on the next request, and never go back in time", async () => {
    const user = await anonymousUser();
    const put = await call(`/v1/devices/${user.deviceId}`, {
      method: "PUT",
      token: user.accessToken,
      json: registration(),
    });
    expect(put.status).toBe(200);
    const written = bookmarkOf(put)!;
    expect(written).toMatch(BOOKMARK);
    const list = await call("/v1/devices", {
      token: user.accessToken,
      headers: { "Outpost-Bookmark": written },
    });
    expect(list.status).toBe(200);
    const devices = await list.json<{ devices?: { id: string }[] } | { id: string }[]>();
    expect(JSON.stringify(devices)).toContain(user.deviceId);
    // Bookmarks compare lexicographically: the read reflects at least the write.
    expect(bookmarkOf(list)! >= written).toBe(true);
  });

  it("carries a write from one device of a user to another device's read", async () => {
    const sub = `bookmark-${crypto.randomUUID()}`;
    const phone = await oidcSignIn(sub, crypto.randomUUID());
    const tablet = await oidcSignIn(sub, crypto.randomUUID());
    expect(tablet.userId).toBe(phone.userId);
    const phoneDevice = crypto.randomUUID();
    const put = await call(`/v1/devices/${phoneDevice}`, {
      method: "PUT",
      token: phone.token,
      json: registration(),
    });
    expect(put.status).toBe(200);
    const list = await call("/v1/devices", {
      token: tablet.token,
      headers: { "Outpost-Bookmark": bookmarkOf(put)! },
    });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain(phoneDevice);
    expect(bookmarkOf(list)! >= bookmarkOf(put)!).toBe(true);
  });

  it("ignores bookmarks that are not D1's shape: wrong shape, huge, non-ASCII (served as if none came)", async () => {
    const user = await anonymousUser();
    const garbage = [
      "not-a-bookmark",
      "",
      "00000000-0000000b-00000000-0000000000000000000000000000000G",
      "00000000-0000000B-00000000-00000000000000000000000000000000 ",
      "0".repeat(60_000),
      "b\u00f6\u00f6km\u00e4rk-\u00e9",
      "'; DROP TABLE users; --",
    ];
    for (const bookmark of garbage) {
      const res = await call("/v1/me", {
        token: user.accessToken,
        headers: { "Outpost-Bookmark": bookmark },
      });
      expect(res.status, JSON.stringify(bookmark.slice(0, 40))).toBe(200);
      expect(bookmarkOf(res)).toMatch(BOOKMARK);
      expect(bookmarkOf(res)).not.toBe(bookmark);
    }
  });

  it("echoes the client's bookmark when the request ran no query (config from the isolate's cache)", async () => {
    const bookmark = bookmarkOf(await call("/healthz"))!;
    await call("/v1/config");
    const res = await call("/v1/config", { headers: { "Outpost-Bookmark": bookmark } });
    expect(res.status).toBe(200);
    expect(bookmarkOf(res)).toBe(bookmark);
  });

  it("is described in the OpenAPI document", async () => {
    const doc = await (await call("/openapi.json")).json<{ info: { description: string } }>();
    expect(doc.info.description).toContain("Outpost-Bookmark");
  });

  it("is on admin responses too (they read the primary)", async () => {
    const res = await call("/v1/admin/config", { headers: adminHeaders(env.ADMIN_API_KEY) });
    expect(res.status).toBe(200);
    expect(bookmarkOf(res)).toMatch(BOOKMARK);
  });
});
