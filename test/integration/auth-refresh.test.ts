import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { anonymousUser, call } from "../setup/http";

interface Pair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const refresh = (refreshToken: string, init: { token?: string } = {}) =>
  call("/v1/auth/refresh", { method: "POST", json: { refreshToken }, ...init });

async function refreshOk(refreshToken: string): Promise<Pair> {
  const res = await refresh(refreshToken);
  expect(res.status).toBe(200);
  return res.json<Pair>();
}

async function expectCode(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect((await res.json<{ code: string }>()).code).toBe(code);
}

const me = (accessToken: string) => call("/v1/me", { token: accessToken });

/**
 * Moves the Worker's clock. The Worker runs in this test isolate, so faking only `Date` moves
 * its `Date.now()` (and jose's) while timers and I/O stay real.
 */
function advanceClock(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("POST /v1/auth/refresh", () => {
  it("rotates: a new pair whose tokens work, for the same user", async () => {
    const user = await anonymousUser();
    const pair = await refreshOk(user.refreshToken);
    expect(pair.refreshToken).not.toBe(user.refreshToken);
    expect(pair.expiresIn).toBeLessThanOrEqual(900);
    const res = await me(pair.accessToken);
    expect(res.status).toBe(200);
    expect((await res.json<{ id: string }>()).id).toBe(user.userId);
    // And the new refresh token rotates again.
    await refreshOk(pair.refreshToken);
  });

  it("works with an expired access token still attached (apps attach it to every call)", async () => {
    const user = await anonymousUser();
    const [h, p] = user.accessToken.split(".");
    const res = await refresh(user.refreshToken, { token: `${h}.${p}.AAAA` });
    expect(res.status).toBe(200);
  });

  it("updates the session's lastSeenAt", async () => {
    const user = await anonymousUser();
    const before = await env.DB.prepare("SELECT last_seen_at FROM sessions WHERE user_id = ?")
      .bind(user.userId)
      .first<{ last_seen_at: number }>();
    advanceClock(5_000);
    await refreshOk(user.refreshToken);
    const after = await env.DB.prepare("SELECT last_seen_at FROM sessions WHERE user_id = ?")
      .bind(user.userId)
      .first<{ last_seen_at: number }>();
    expect(after!.last_seen_at).toBeGreaterThanOrEqual(before!.last_seen_at + 5_000);
  });

  it("treats the immediately previous token within 10 s as a retry: a working pair, nothing revoked", async () => {
    const user = await anonymousUser();
    const first = await refreshOk(user.refreshToken); // the response the phone lost
    advanceClock(9_000);
    const retried = await refreshOk(user.refreshToken);
    expect(retried.refreshToken).not.toBe(first.refreshToken);
    // Nothing was revoked: every access token of the session still works...
    for (const token of [user.accessToken, first.accessToken, retried.accessToken]) {
      expect((await me(token)).status).toBe(200);
    }
    // ...and the retried pair carries on the chain.
    const next = await refreshOk(retried.refreshToken);
    expect((await me(next.accessToken)).status).toBe(200);
  });

  it("revokes the whole session when a spent token comes back after the grace window", async () => {
    const user = await anonymousUser();
    const pair = await refreshOk(user.refreshToken);
    advanceClock(11_000);
    await expectCode(await refresh(user.refreshToken), 401, "refresh_token_reused");
    // The family is gone: its access tokens and its live refresh token.
    const res = await me(pair.accessToken);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    expect((await me(user.accessToken)).status).toBe(401);
    await expectCode(await refresh(pair.refreshToken), 401, "invalid_refresh_token");
    const session = await env.DB.prepare("SELECT revoked_reason FROM sessions WHERE user_id = ?")
      .bind(user.userId)
      .first();
    expect(session).toEqual({ revoked_reason: "reuse" });
  });

  it("revokes the session when an older (not the immediately previous) token comes back, even within 10 s", async () => {
    const user = await anonymousUser();
    const second = await refreshOk(user.refreshToken);
    const third = await refreshOk(second.refreshToken);
    await expectCode(await refresh(user.refreshToken), 401, "refresh_token_reused");
    expect((await me(third.accessToken)).status).toBe(401);
    await expectCode(await refresh(third.refreshToken), 401, "invalid_refresh_token");
  });

  it("revoking one family leaves other sessions alone", async () => {
    const user = await anonymousUser();
    const bystander = await anonymousUser();
    await refreshOk(user.refreshToken);
    advanceClock(11_000);
    await expectCode(await refresh(user.refreshToken), 401, "refresh_token_reused");
    expect((await me(bystander.accessToken)).status).toBe(200);
    await refreshOk(bystander.refreshToken);
  });

  it("racing refreshes with one token never yield two live chains", async () => {
    const user = await anonymousUser();
    const responses = await Promise.all(Array.from({ length: 6 }, () => refresh(user.refreshToken)));
    // A phone that raced itself gets working answers (one rotation, the rest grace retries)...
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
    const pairs = await Promise.all(responses.map((r) => r.json<Pair>()));
    expect(new Set(pairs.map((p) => p.refreshToken)).size).toBe(6);
    // ...whichever it keeps works, and then no other answer continues a chain of its own.
    const kept = pairs[3]!;
    const continued = await refreshOk(kept.refreshToken);
    const [firstOther, ...restOthers] = pairs.filter((p) => p !== kept);
    // A sibling that lost is an older generation now: reuse, which revokes the session...
    await expectCode(await refresh(firstOther!.refreshToken), 401, "refresh_token_reused");
    // ...so nothing of it continues, the kept chain included.
    for (const other of [...restOthers, continued]) {
      await expectCode(await refresh(other.refreshToken), 401, "invalid_refresh_token");
    }
  });

  it("racing refreshes of sibling tokens: at most one continues", async () => {
    const user = await anonymousUser();
    const siblings = await Promise.all([refreshOk(user.refreshToken), refreshOk(user.refreshToken)]);
    const responses = await Promise.all(siblings.map((s) => refresh(s.refreshToken)));
    expect(responses.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    const rows = await env.DB.prepare(
      `SELECT count(*) AS live FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
       WHERE s.user_id = ? AND s.revoked_at IS NULL AND t.used_at IS NULL AND t.generation = s.refresh_generation`,
    )
      .bind(user.userId)
      .first<{ live: number }>();
    expect(rows!.live).toBeLessThanOrEqual(1);
  });

  it("answers invalid_refresh_token for an unknown token", async () => {
    await expectCode(
      await refresh("not-a-real-token-but-long-enough-to-look-like-one"),
      401,
      "invalid_refresh_token",
    );
  });

  it("answers invalid_refresh_token once the session's sliding expiry has passed", async () => {
    const user = await anonymousUser();
    advanceClock(61 * 24 * 60 * 60 * 1000);
    await expectCode(await refresh(user.refreshToken), 401, "invalid_refresh_token");
  });

  it("keeps a refreshed session alive past the first 60 days (sliding)", async () => {
    const user = await anonymousUser();
    advanceClock(40 * 24 * 60 * 60 * 1000);
    const pair = await refreshOk(user.refreshToken);
    vi.setSystemTime(Date.now() + 40 * 24 * 60 * 60 * 1000);
    await refreshOk(pair.refreshToken);
  });

  it("rejects a body without refreshToken with invalid_body", async () => {
    const res = await call("/v1/auth/refresh", { method: "POST", json: {} });
    await expectCode(res, 400, "invalid_body");
  });
});
