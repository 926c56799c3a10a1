import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { anonymousUser, type SignedIn } from "../setup/http";
import { callWith, expectRateLimited } from "./rate-limit-helpers";

// Every exact limit at 3 a minute (a bucket of 3 that refills one token every 20 s).
const tiny: Partial<Env> = {
  RATE_LIMIT_SYNC_PUSH_PER_MINUTE: "3",
  RATE_LIMIT_INBOX_READ_PER_MINUTE: "3",
  RATE_LIMIT_CAMPAIGN_CREATE_PER_MINUTE: "3",
};

const push = (user: SignedIn, id: number) =>
  callWith(tiny, "/v1/sync/me/push", {
    method: "POST",
    token: user.accessToken,
    json: {
      clientId: `c-${user.userId}`,
      mutations: [
        { id, collection: "tasks", key: `t${id}`, op: "put", value: { title: `task ${id}`, done: false } },
      ],
    },
  });

const inbox = (user: SignedIn) => callWith(tiny, "/v1/notifications", { token: user.accessToken });

/** Each test its own admin key, so no other test file's campaigns share its bucket. */
const adminKey = () => `test-admin-${crypto.randomUUID()}`;
const createCampaign = (key: string, title: string) =>
  callWith({ ...tiny, ADMIN_API_KEY: key }, "/v1/push/campaigns", {
    method: "POST",
    headers: { Authorization: `Bearer ${key}` },
    json: { title, body: "hello", target: { userIds: [crypto.randomUUID()] } },
  });

async function campaignsTitled(title: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM push_campaigns WHERE title = ?")
    .bind(title)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("rate limits per user and per admin key (a token bucket per key)", () => {
  it("refuses a burst of sync pushes with 429 and applies nothing of the refused one", async () => {
    const user = await anonymousUser();
    for (const id of [1, 2, 3]) expect((await push(user, id)).status).toBe(200);
    const retryAfter = await expectRateLimited(await push(user, 4));
    // One token comes back every 20 s.
    expect(retryAfter).toBeGreaterThanOrEqual(15);
    expect(retryAfter).toBeLessThanOrEqual(20);
    const pull = await callWith({}, `/v1/sync/me/pull?cursor=0&clientId=c-${user.userId}`, {
      token: user.accessToken,
    });
    const body = await pull.json<{ changes: { key: string }[]; lastMutationId: number }>();
    expect(body.changes.map((c) => c.key).sort()).toEqual(["t1", "t2", "t3"]);
    expect(body.lastMutationId).toBe(3);
  });

  it("limits sync pushes per user: another user pushes on", async () => {
    const a = await anonymousUser();
    const b = await anonymousUser();
    for (const id of [1, 2, 3]) await push(a, id);
    await expectRateLimited(await push(a, 4));
    expect((await push(b, 1)).status).toBe(200);
  });

  it("does not count requests without a user (they get 401)", async () => {
    const res = await callWith(tiny, "/v1/sync/me/push", {
      method: "POST",
      json: { clientId: "c", mutations: [] },
    });
    expect(res.status).toBe(401);
  });

  it("refuses a burst of inbox reads per user; another user reads on", async () => {
    const a = await anonymousUser();
    const b = await anonymousUser();
    for (let i = 0; i < 3; i++) expect((await inbox(a)).status).toBe(200);
    await expectRateLimited(await inbox(a));
    expect((await inbox(b)).status).toBe(200);
  });

  it("refuses a burst of campaign creation per admin key, and creates nothing for it", async () => {
    const key = adminKey();
    const title = `limited ${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) expect((await createCampaign(key, title)).status).toBe(202);
    await expectRateLimited(await createCampaign(key, title));
    expect(await campaignsTitled(title)).toBe(3);
    // Another key has its own bucket.
    expect((await createCampaign(adminKey(), title)).status).toBe(202);
  });

  it("counts only valid admin keys: a wrong key is 401, however often", async () => {
    const key = adminKey();
    for (let i = 0; i < 5; i++) {
      const res = await callWith({ ...tiny, ADMIN_API_KEY: key }, "/v1/push/campaigns", {
        method: "POST",
        headers: { Authorization: "Bearer wrong" },
        json: { title: "x", body: "y", target: {} },
      });
      expect(res.status).toBe(401);
    }
    expect((await createCampaign(key, `ok ${crypto.randomUUID()}`)).status).toBe(202);
  });
});
