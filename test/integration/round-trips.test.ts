import { describe, expect, it, vi } from "vitest";
import { registration } from "./devices-helpers";
import { anonymousUser, call } from "../setup/http";

/** `d1;desc="2 queries, 1 round trip";dur=…` → the counts, from the response's Server-Timing. */
function d1Of(res: Response): { queries: number; roundTrips: number } {
  const timing = res.headers.get("Server-Timing") ?? "";
  const match =
    /(?:^|, )d1;desc="(\d+) quer(?:y|ies), (\d+) round trips?(?:, \d+ to primary)?";dur=[\d.]+/.exec(timing);
  if (!match) throw new Error(`no d1 entry in Server-Timing: ${timing}`);
  return { queries: Number(match[1]), roundTrips: Number(match[2]) };
}

const mutation = { id: 1, collection: "tasks", key: "t1", op: "put", value: { title: "a", done: false } };

describe("D1 round trips per request (Server-Timing)", () => {
  it("names statements and round trips on every response, errors included", async () => {
    const health = await call("/healthz");
    expect(d1Of(health)).toEqual({ queries: 1, roundTrips: 1 });
    const notFound = await call("/v1/nowhere");
    expect(notFound.status).toBe(404);
    expect(d1Of(notFound)).toEqual({ queries: 0, roundTrips: 0 });
  });

  it("writes the counts into the request's log line", async () => {
    const user = await anonymousUser();
    const log = vi.spyOn(console, "log");
    try {
      const res = await call("/v1/me", {
        token: user.accessToken,
        headers: { "X-Request-Id": "rt-log-line" },
      });
      expect(res.status).toBe(200);
      const line = log.mock.calls
        .map(([first]) => (typeof first === "string" && first.includes('"rt-log-line"') ? first : null))
        .find((found) => found !== null);
      expect(JSON.parse(line ?? "{}")).toMatchObject({
        route: "/v1/me",
        d1Queries: 1,
        d1RoundTrips: 1,
        d1Primary: null,
      });
    } finally {
      log.mockRestore();
    }
  });

  it("answers the hot read routes in at most one round trip each", async () => {
    const user = await anonymousUser();
    const token = user.accessToken;
    await call("/v1/config", { token }); // warms the isolate's config cache
    const config = await call("/v1/config", { token });
    expect(config.status).toBe(200);
    expect(d1Of(config)).toEqual({ queries: 0, roundTrips: 0 });

    const me = await call("/v1/me", { token });
    expect(me.status).toBe(200);
    expect(d1Of(me)).toEqual({ queries: 1, roundTrips: 1 });

    const home = await call("/v1/screens/home", { token });
    expect(home.status).toBe(200);
    expect(d1Of(home)).toEqual({ queries: 5, roundTrips: 1 }); // the user, spaces, recent, unread, purchases

    const pull = await call("/v1/sync/me/pull?cursor=0&clientId=c1", { token });
    expect(pull.status).toBe(200);
    expect(d1Of(pull)).toEqual({ queries: 3, roundTrips: 1 });
  });

  it("registers a device in one round trip and signs in in one", async () => {
    const signIn = await call("/v1/auth/anonymous", {
      method: "POST",
      json: { deviceId: crypto.randomUUID() },
    });
    expect(signIn.status).toBe(200);
    expect(d1Of(signIn)).toEqual({ queries: 4, roundTrips: 1 });
    const { accessToken } = await signIn.json<{ accessToken: string }>();
    const put = await call(`/v1/devices/${crypto.randomUUID()}`, {
      method: "PUT",
      token: accessToken,
      json: registration(),
    });
    expect(put.status).toBe(200);
    expect(d1Of(put)).toEqual({ queries: 4, roundTrips: 1 });
  });

  it("makes no D1 round trip in the Worker for a sync push (the space's object commits it)", async () => {
    const user = await anonymousUser();
    const res = await call("/v1/sync/me/push", {
      method: "POST",
      token: user.accessToken,
      json: { clientId: "c1", mutations: [mutation] },
    });
    expect(res.status).toBe(200);
    expect(d1Of(res)).toEqual({ queries: 0, roundTrips: 0 });
  });
});
