import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApnsCredentials } from "../../durable-objects/apns-credentials";
import {
  getApnsProviderToken,
  reportApnsTokenExpired,
  resetApnsTokenCache,
} from "../../worker/push/providers/apns/credentials-client";

const minter = () => env.APNS_CREDENTIALS.get(env.APNS_CREDENTIALS.idFromName("apns"));

async function ageMinterToken(ms: number): Promise<void> {
  await runInDurableObject(minter(), (_instance: ApnsCredentials, state) => {
    state.storage.sql.exec("UPDATE provider_token SET issued_at = issued_at - ?", ms);
  });
}

afterEach(() => {
  vi.useRealTimers();
  resetApnsTokenCache();
});

describe("the isolate's APNs provider token cache", () => {
  it("hands concurrent callers one token", async () => {
    resetApnsTokenCache();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => getApnsProviderToken(env)));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
  });

  it("keeps its copy without asking the minter until the copy is about 40 minutes old", async () => {
    resetApnsTokenCache();
    const first = await getApnsProviderToken(env);
    // The minter would now hand out a new token to anyone who asks...
    await ageMinterToken(46 * 60_000);
    // ...but a 39-minute-old copy is still used as it is.
    vi.useFakeTimers({ toFake: ["Date"], now: first.issuedAt + 39 * 60_000 });
    expect((await getApnsProviderToken(env)).token).toBe(first.token);
    // At 41 minutes the isolate asks, and gets the re-minted token.
    vi.setSystemTime(first.issuedAt + 41 * 60_000);
    const second = await getApnsProviderToken(env);
    expect(second.token).not.toBe(first.token);
    expect((await minter().getProviderToken()).token).toBe(second.token);
  });

  it("answers a report about a token that is no longer current with the current one", async () => {
    resetApnsTokenCache();
    const current = await getApnsProviderToken(env);
    const answer = await reportApnsTokenExpired(env, "an-older-token");
    expect(answer.token).toBe(current.token);
  });
});
