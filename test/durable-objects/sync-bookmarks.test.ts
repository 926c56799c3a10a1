import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { syncSpaceStub } from "../setup/hooks";
import { anonymousUser, call, mintIdToken } from "../setup/http";
import { newClientId, putTask, type Caller } from "../integration/sync-helpers";
import type { Mutation, PullResponse, PushResponse } from "../../worker/sync/protocol";

/** API.md "Reads near the phone": a sync push's bookmark is its commit's, and pokes carry it. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

async function pushWith(who: Caller, clientId: string, mutations: Mutation[], bookmark?: string) {
  const res = await call("/v1/sync/me/push", {
    method: "POST",
    token: who.token,
    headers: {
      ...(who.deviceId ? { "X-Device-Id": who.deviceId } : {}),
      ...(bookmark ? { "Outpost-Bookmark": bookmark } : {}),
    },
    json: { clientId, mutations },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return {
    body: await res.json<PushResponse>(),
    bookmark: res.headers.get("Outpost-Bookmark") ?? "",
    timing: res.headers.get("Server-Timing") ?? "",
  };
}

/** Signs in through the fake OIDC issuer: the same `sub` on two devices is one user, two sessions. */
async function oidcSignIn(sub: string): Promise<{ token: string; userId: string }> {
  const res = await call("/v1/auth/oidc", {
    method: "POST",
    json: {
      provider: env.OIDC_PROVIDER_NAME,
      idToken: await mintIdToken({ sub }),
      deviceId: crypto.randomUUID(),
    },
  });
  expect(res.status).toBe(200);
  const body = await res.json<{ accessToken: string; user: { id: string } }>();
  return { token: body.accessToken, userId: body.user.id };
}

/** A socket on the caller's personal space, and the pokes it has heard. */
async function socketOf(token: string) {
  const res = await exports.default.fetch(
    new Request(`http://outpost.test/v1/sync/me/socket?token=${token}`, {
      headers: { Upgrade: "websocket" },
    }),
  );
  const ws = res.webSocket;
  if (!ws) throw new Error(`no socket (${res.status})`);
  ws.accept();
  const pokes: { type: string; version: number; bookmark?: string }[] = [];
  const waiters = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    pokes.push(JSON.parse(String(event.data)) as (typeof pokes)[number]);
    for (const wake of waiters) wake();
  });
  const poke = (version: number) =>
    new Promise<(typeof pokes)[number]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no poke ${version}: ${JSON.stringify(pokes)}`)),
        5_000,
      );
      const check = () => {
        const hit = pokes.find((p) => p.version === version);
        if (!hit) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(hit);
      };
      waiters.add(check);
      check();
    });
  return { poke, close: () => ws.close(1000, "bye") };
}

describe("SyncSpace bookmarks", () => {
  it("answers a push with its commit's bookmark, newer than the client's, and its own round trips", async () => {
    const u = await anonymousUser();
    const who = { token: u.accessToken };
    const clientId = newClientId();
    const first = await pushWith(who, clientId, [putTask(1, "a", { title: "a", done: false })]);
    expect(first.bookmark).toMatch(BOOKMARK);

    const second = await pushWith(
      who,
      clientId,
      [putTask(2, "b", { title: "b", done: false })],
      first.bookmark,
    );
    expect(second.body.version).toBe(2);
    expect(second.bookmark > first.bookmark).toBe(true);
    // Exactly the position the object's commit reached (it keeps it for later pokes).
    const seen = await syncSpaceStub(`p_${u.userId}`).inspect();
    expect(seen.bookmark).toBe(second.bookmark);
    // The object's work is reported apart from the request's own: one batch, one round trip.
    expect(second.timing).toMatch(/(^|, )d1;desc="\d+ quer(y|ies), \d+ round trips?"/);
    expect(second.timing).toMatch(/do-d1;desc="\d+ queries, 1 round trip, primary";dur=\d+\.\d/);

    // A retry commits nothing: no round trip, and the client's bookmark comes back unchanged.
    const retry = await pushWith(
      who,
      clientId,
      [putTask(2, "b", { title: "b", done: false })],
      second.bookmark,
    );
    expect(retry.body.results).toEqual([]);
    expect(retry.bookmark).toBe(second.bookmark);
    expect(retry.timing).toMatch(/do-d1;desc="0 queries, 0 round trips, primary"/);

    // A client that sends an old (or garbage) bookmark still gets the commit's.
    const stale = await pushWith(
      who,
      clientId,
      [putTask(3, "c", { title: "c", done: false })],
      first.bookmark,
    );
    expect(stale.bookmark > second.bookmark).toBe(true);
    const garbage = await pushWith(who, clientId, [putTask(4, "d", { title: "d", done: false })], "nope");
    expect(garbage.bookmark > stale.bookmark).toBe(true);
  });

  it("pokes with the change's bookmark, and another device of the user reads the change with it", async () => {
    const sub = `poke-${crypto.randomUUID()}`;
    const phone = await oidcSignIn(sub);
    await pushWith(phone, newClientId(), [putTask(1, "a", { title: "a", done: false })]);
    // The tablet: the same user signed in on a second device, listening on the space's socket.
    const { token: tablet, userId } = await oidcSignIn(sub);
    expect(userId).toBe(phone.userId);
    const socket = await socketOf(tablet);
    try {
      // A fresh socket hears the current version with the bookmark of the commit that made it.
      const hello = await socket.poke(1);
      expect(hello.bookmark).toMatch(BOOKMARK);

      const pushed = await pushWith(phone, newClientId(), [putTask(1, "b", { title: "b", done: true })]);
      const poke = await socket.poke(2);
      expect(poke).toEqual({ type: "poke", version: 2, bookmark: pushed.bookmark });
      expect(poke.bookmark! > hello.bookmark!).toBe(true);

      const pull = await call(`/v1/sync/me/pull?clientId=${newClientId()}&cursor=1`, {
        token: tablet,
        headers: { "Outpost-Bookmark": poke.bookmark! },
      });
      expect(pull.status).toBe(200);
      const body = await pull.json<PullResponse>();
      expect(body.changes.map((c) => [c.key, c.version])).toEqual([["b", 2]]);
      expect(pull.headers.get("Outpost-Bookmark")! >= poke.bookmark!).toBe(true);
    } finally {
      socket.close();
    }
  });

  it("reports a group commit's one round trip as shared by the pushes it served, each with its bookmark", async () => {
    const u = await anonymousUser();
    const who = { token: u.accessToken };
    await pushWith(who, newClientId(), [putTask(1, "warm", { title: "w", done: false })]); // loads once
    // Pushes that arrive while a commit is in flight are committed together in the next one.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        pushWith(who, newClientId(), [putTask(1, `k${i}`, { title: `t${i}`, done: false })]),
      ),
    );
    const shared = answers.filter((a) => /do-d1;desc="[^"]*shared by \d+ pushes/.test(a.timing));
    expect(shared.length).toBeGreaterThan(1);
    const [one] = shared;
    const n = Number(/shared by (\d+) pushes/.exec(one!.timing)?.[1]);
    // Every push of that group names the same one round trip and the same commit.
    const group = answers.filter(
      (a) => a.timing.includes(`shared by ${n} pushes`) && a.bookmark === one!.bookmark,
    );
    expect(group.length).toBe(n);
    for (const a of group)
      expect(a.timing).toMatch(/do-d1;desc="\d+ queries, 1 round trip, primary, shared by/);
  });
});
