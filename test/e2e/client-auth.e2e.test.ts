import { importJWK, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/index";
import { FaultyFetch, isPush, isRefresh } from "../fakes/faulty-fetch";
import { eventually, launch, type MemoryStorage } from "./client-harness";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

/** What D1 hands out (API.md "Reads near the phone"); the server ignores anything else. */
const D1_BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

// Tokens and the rest of the SDK's surface against the real Worker: expired tokens offline, lost
// refresh answers, two instances on one storage, a reused refresh token, push, inbox and config.

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
});

interface StoredSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  user: { id: string };
}

const SESSION = "outpost:session";
const sessionOf = (s: MemoryStorage) => JSON.parse(s.snapshot().get(SESSION)!) as StoredSession;

/** Re-signs the stored access token so the server sees it expired a minute ago. */
async function expireAccessToken(storage: MemoryStorage, deviceThinksExpired = true): Promise<void> {
  const session = sessionOf(storage);
  const claims = JSON.parse(
    Buffer.from(session.accessToken.split(".")[1]!, "base64url").toString(),
  ) as Record<string, unknown>;
  const [jwk] = (JSON.parse(worker.bindings.JWT_SIGNING_KEYS!) as { keys: Array<JWK & { kid: string }> })
    .keys;
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({ ...claims, iat: now - 1000, exp: now - 60 })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: jwk!.kid })
    .sign(await importJWK(jwk!, "ES256"));
  const expiresAt = deviceThinksExpired ? Date.now() - 60_000 : Date.now() + 600_000;
  await storage.setMany([[SESSION, JSON.stringify({ ...session, accessToken: expired, expiresAt })]]);
}

const rawRefresh = async (refreshToken: string) =>
  (
    await fetchJson<{ refreshToken: string }>(worker.url, "/v1/auth/refresh", {
      method: "POST",
      json: { refreshToken },
    })
  ).body.refreshToken;

describe("@outpost/client auth against the Worker", () => {
  it("sends the device headers on every request and the bookmark once the server sent one", async () => {
    const storage = memoryStorage();
    const app = await launch(worker.url, storage, {
      sockets: false,
      hints: () => ({ saveData: true, dpr: 3 }),
    });
    await app.outpost.auth.signInAnonymously();
    await app.outpost.sync.space("me").flush();
    for (const req of app.net.seen) {
      expect(req.headers).toMatchObject({
        "X-Device-Id": app.outpost.device,
        "X-Platform": "ios",
        "X-App-Version": "3.2.1",
        "Accept-Language": "de-CH",
        "Save-Data": "on",
        DPR: "3",
      });
    }
    // The first call has nothing to send; the server answers every call with its D1 bookmark.
    const [signIn, ...later] = app.net.seen;
    expect(signIn!.headers["Outpost-Bookmark"]).toBeUndefined();
    expect(later.length).toBeGreaterThan(0);
    for (const req of later) expect(req.headers["Outpost-Bookmark"]).toMatch(D1_BOOKMARK);
    app.net.inject = { "Outpost-Bookmark": "bm-1" };
    await app.outpost.sync.space("me").flush();
    app.net.inject = {};
    await app.outpost.sync.space("me").flush();
    expect(app.net.seen.at(-1)!.headers["Outpost-Bookmark"]).toBe("bm-1");
    // The server ignored the malformed "bm-1" and answered with its own: that one survives a relaunch.
    app.kill();
    const relaunched = await launch(worker.url, storage, { sockets: false });
    await relaunched.outpost.sync.space("me").flush();
    expect(relaunched.net.seen[0]!.headers["Outpost-Bookmark"]).toMatch(D1_BOOKMARK);
  });

  it("launched offline with an expired access token, keeps the queue and syncs once back online", async () => {
    const storage = memoryStorage();
    const first = await launch(worker.url, storage, { sockets: false });
    await first.outpost.auth.signInAnonymously();
    first.kill();
    await expireAccessToken(storage);
    const app = await launch(worker.url, storage, { sockets: false });
    app.net.offline = true;
    const me = app.outpost.sync.space("me");
    await me.put("tasks", "t", { title: "written offline", done: false });
    await expect(me.flush()).rejects.toMatchObject({ code: "network" });
    expect(app.outpost.auth.user).not.toBeNull();
    expect(me.status.pending).toBe(1);
    app.net.offline = false;
    await me.flush();
    expect(me.status.pending).toBe(0);
    expect(app.net.seen.filter((r) => isRefresh(r) && r.status !== undefined)).toHaveLength(1);
  });

  it("answers a 401 with one refresh and one retry", async () => {
    const storage = memoryStorage();
    const first = await launch(worker.url, storage, { sockets: false });
    await first.outpost.auth.signInAnonymously();
    first.kill();
    // The device's clock says the token is fine; the server says it expired.
    await expireAccessToken(storage, false);
    const app = await launch(worker.url, storage, { sockets: false });
    await app.outpost.sync.space("me").put("tasks", "t", { title: "x", done: false });
    await app.outpost.sync.space("me").flush();
    expect(app.net.seen.filter(isPush).map((r) => r.status)).toEqual([401, 200]);
    expect(app.net.count("POST", "/v1/auth/refresh")).toBe(1);
  });

  it("retries a lost refresh response with the same refresh token and keeps the session", async () => {
    const storage = memoryStorage();
    const first = await launch(worker.url, storage, { sockets: false });
    await first.outpost.auth.signInAnonymously();
    first.kill();
    await expireAccessToken(storage);
    const app = await launch(worker.url, storage, { sockets: false });
    const signedOut: unknown[] = [];
    app.outpost.on("signedOut", (e) => signedOut.push(e));
    app.net.fail(isRefresh, "lose-response");
    await app.outpost.sync.space("me").flush();
    const refreshes = app.net.seen.filter(isRefresh);
    expect(refreshes).toHaveLength(2);
    expect(refreshes[0]!.status).toBe(200); // the server answered; the phone never heard it
    expect(refreshes[1]!.body).toEqual(refreshes[0]!.body);
    expect(signedOut).toEqual([]);
    expect(app.outpost.auth.user).not.toBeNull();
  });

  it("makes exactly one refresh call when two instances on one storage need one at once", async () => {
    const storage = memoryStorage();
    const first = await launch(worker.url, storage, { sockets: false });
    await first.outpost.auth.signInAnonymously();
    first.kill();
    await expireAccessToken(storage);
    const appNet = new FaultyFetch();
    const extensionNet = new FaultyFetch();
    const app = await launch(worker.url, storage, { sockets: false, net: appNet });
    const extension = await launch(worker.url, storage, { sockets: false, net: extensionNet });
    await Promise.all([
      app.outpost.sync.space("me").flush(),
      extension.outpost.push.inbox(),
      app.outpost.push.inbox(),
      extension.outpost.config.refresh(),
    ]);
    expect(appNet.seen.filter(isRefresh).length + extensionNet.seen.filter(isRefresh).length).toBe(1);
  });

  it("signs out cleanly with the reason on refresh_token_reused, keeps the queue and never loops", async () => {
    const storage = memoryStorage();
    const first = await launch(worker.url, storage, { sockets: false });
    await first.outpost.auth.signInAnonymously();
    first.kill();
    // Another copy of this token already rotated twice: presenting it now is a reuse.
    const stale = sessionOf(storage).refreshToken;
    await rawRefresh(await rawRefresh(stale));
    await expireAccessToken(storage);
    const app = await launch(worker.url, storage, { sockets: false });
    const events: Array<{ reason: string }> = [];
    app.outpost.on("signedOut", (e) => events.push(e));
    const me = app.outpost.sync.space("me");
    await me.put("tasks", "t", { title: "kept", done: false });
    app.outpost.sync.start();
    await expect(me.flush()).rejects.toMatchObject({ status: 401 });
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual([{ reason: "refresh_token_reused" }]);
    expect(app.outpost.auth.user).toBeNull();
    expect(app.net.seen.filter(isRefresh)).toHaveLength(1);
    const requests = app.net.seen.length;
    await expect(app.outpost.push.inbox()).rejects.toMatchObject({ code: "signed_out" });
    expect(app.net.seen.length).toBe(requests);
    expect([...storage.snapshot().keys()].filter((k) => k.includes(":m:"))).toHaveLength(1);
    await app.outpost.close();
  });

  it("upgrades an anonymous user in place with an ID token, keeping its data and queue", async () => {
    const storage = memoryStorage();
    const app = await launch(worker.url, storage, { sockets: false });
    const anonymous = await app.outpost.auth.signInAnonymously();
    const me = app.outpost.sync.space("me");
    await me.put("tasks", "t", { title: "before sign-in", done: false });
    const changes: unknown[] = [];
    app.outpost.auth.onChange((u) => changes.push(u));
    const sub = `user-${crypto.randomUUID()}`;
    const nonce = crypto.randomUUID();
    const minted = await fetchJson<{ idToken: string }>(worker.fakes.controlUrl, "/oidc/id-token", {
      method: "POST",
      json: { sub, email: `${sub}@example.com`, nonce },
    });
    const user = await app.outpost.auth.signInWithIdToken({
      provider: worker.fakes.oidc.name,
      idToken: minted.body.idToken,
      nonce,
    });
    expect(user).toEqual({ id: anonymous.id, email: `${sub}@example.com`, anonymous: false });
    expect(changes).toEqual([user]);
    expect(app.outpost.sync.space("me").status.pending).toBe(1);
    await app.outpost.sync.space("me").flush();
    expect(app.outpost.sync.space("me").get("tasks", "t")).toEqual({ title: "before sign-in", done: false });
    await app.outpost.auth.signOut();
    expect(app.outpost.auth.user).toBeNull();
    expect([...storage.snapshot().keys()].filter((k) => k.startsWith("outpost:s:") || k === SESSION)).toEqual(
      [],
    );
  });
});

describe("@outpost/client push, inbox and config against the Worker", () => {
  it("registers for push, again when the app version changes, reports opens and reads the inbox", async () => {
    const storage = memoryStorage();
    const app = await launch(worker.url, storage, { sockets: false });
    const user = await app.outpost.auth.signInAnonymously();
    const token = `fcm-${crypto.randomUUID()}`;
    await app.outpost.push.register({ provider: "fcm", token, topics: ["news"] });
    const put = app.net.seen.find((r) => r.method === "PUT")!;
    expect(put.path).toBe(`/v1/devices/${app.outpost.device}`);
    expect(put.body).toMatchObject({
      platform: "ios",
      pushProvider: "fcm",
      pushToken: token,
      appVersion: "3.2.1",
    });
    app.kill();
    const updated = await launch(worker.url, storage, { sockets: false, appVersion: "3.3.0" });
    await eventually(() => expect(updated.net.seen.filter((r) => r.method === "PUT")).toHaveLength(1));
    expect(updated.net.seen.find((r) => r.method === "PUT")!.body).toMatchObject({
      appVersion: "3.3.0",
      pushToken: token,
    });
    await eventually(() => expect(storage.snapshot().get("outpost:push")).toContain('"appVersion":"3.3.0"'));
    updated.kill();
    const again = await launch(worker.url, storage, { sockets: false, appVersion: "3.3.0" });
    await new Promise((r) => setTimeout(r, 100));
    expect(again.net.seen.filter((r) => r.method === "PUT")).toHaveLength(0);

    const campaign = await fetchJson<{ id: string }>(worker.url, "/v1/push/campaigns", {
      method: "POST",
      token: worker.adminKey,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      json: { title: "Hello", body: "World", target: { userIds: [user.id] } },
    });
    expect(campaign.status).toBe(202);
    let items: Array<{ id: string; readAt: number | null }> = [];
    await eventually(async () => {
      items = (await again.outpost.push.inbox()).items;
      expect(items).toHaveLength(1);
    });
    await again.outpost.push.markRead(items[0]!.id);
    expect((await again.outpost.push.inbox()).items[0]!.readAt).not.toBeNull();
    // Counted once the push reached this device (the fan-out runs on a queue).
    await eventually(() => again.outpost.push.opened(campaign.body.id));
  });

  it("serves config from storage at once, revalidates with If-None-Match, and reports 426", async () => {
    const setConfig = (minVersion: string) =>
      fetchJson(worker.url, "/v1/admin/config", {
        method: "PUT",
        token: worker.adminKey,
        json: {
          platforms: { ios: { minVersion, storeUrl: "https://apps.apple.com/app/id1" } },
          flags: { newOnboarding: { default: true, rules: [] } },
        },
      });
    expect((await setConfig("3.0.0")).status).toBe(200);
    const storage = memoryStorage();
    const app = await launch(worker.url, storage, { sockets: false });
    await app.outpost.auth.signInAnonymously();
    expect(app.outpost.config.flag("newOnboarding", false)).toBe(false);
    await app.outpost.config.refresh();
    expect(app.outpost.config.flag("newOnboarding", false)).toBe(true);
    await app.outpost.config.refresh();
    const configCalls = app.net.seen.filter((r) => r.path === "/v1/config");
    expect(configCalls.at(-1)!.headers["If-None-Match"]).toBeTruthy();
    expect(configCalls.at(-1)!.status).toBe(304);
    app.kill();
    const relaunched = await launch(worker.url, storage, { sockets: false });
    expect(relaunched.net.seen).toHaveLength(0);
    expect(relaunched.outpost.config.flag("newOnboarding", false)).toBe(true);

    expect((await setConfig("4.0.0")).status).toBe(200);
    const upgrades: unknown[] = [];
    relaunched.outpost.on("upgradeRequired", (e) => upgrades.push(e));
    await eventually(async () => {
      await expect(relaunched.outpost.push.inbox()).rejects.toMatchObject({ status: 426 });
    });
    expect(upgrades.at(-1)).toEqual({ minVersion: "4.0.0", storeUrl: "https://apps.apple.com/app/id1" });
    expect((await setConfig("3.0.0")).status).toBe(200);
  });
});
