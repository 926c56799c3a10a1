import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chunk, type PushJob } from "../../worker/push/campaigns/jobs";
import { handleQueue } from "../../worker/push/campaigns/queue-consumer";
import { createOk, ledger, visible, waitFor, waitUntilSent } from "./push-campaign-helpers";
import { apnsToken, fcmToken, script, type Delivery } from "./push-provider-control";

/**
 * The acceptance test: 1,000 devices, some tokens failing with 503 before succeeding,
 * some dead, and every queue message delivered more than once — each live device gets exactly
 * one push, with one OAuth token request and one APNs provider token.
 */
interface Seeded {
  id: string;
  provider: "fcm" | "apns";
  token: string;
}

const N = 1000;
let devices: Seeded[] = [];
/** This isolate's outbound calls with their answers (the fakes' own counters are shared). */
const calls: { url: string; authorization: string | null; status: number }[] = [];
let restore = () => {};

function spyOutbound() {
  const original = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const authorization = request.headers.get("authorization");
    const response = await original(request);
    calls.push({ url: request.url, authorization, status: response.status });
    return response;
  });
  restore = () => spy.mockRestore();
}

async function seed(): Promise<Seeded[]> {
  const now = Date.now();
  const userId = crypto.randomUUID();
  const out: Seeded[] = Array.from({ length: N }, (_, i) => {
    const provider = i % 2 === 0 ? "apns" : "fcm";
    return { id: crypto.randomUUID(), provider, token: provider === "apns" ? apnsToken() : fcmToken() };
  });
  const statements = [
    env.DB.prepare("INSERT INTO users (id, anonymous, created_at, updated_at) VALUES (?, 1, ?, ?)").bind(
      userId,
      now,
      now,
    ),
    ...out.map((d) =>
      env.DB.prepare(
        `INSERT INTO devices (id, user_id, platform, push_provider, push_token, push_token_updated_at,
           app_version, app_version_key, locale, timezone, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, '3.2.1', 3000002000001, 'en-US', 'UTC', ?, ?)`,
      ).bind(
        d.id,
        userId,
        d.provider === "apns" ? "ios" : "android",
        d.provider,
        d.token,
        now - 60_000,
        now,
        now,
      ),
    ),
  ];
  for (const part of chunk(statements, 200)) await env.DB.batch(part);
  return out;
}

async function acceptedSince(seq: number): Promise<Delivery[]> {
  const res = await fetch(`${env.FAKES_CONTROL_URL}/deliveries?since=${seq}`);
  return res.json<Delivery[]>();
}

async function latestSeq(): Promise<number> {
  const res = await fetch(`${env.FAKES_CONTROL_URL}/stats`);
  return (await res.json<{ latestSeq: number }>()).latestSeq;
}

beforeAll(async () => {
  spyOutbound();
  devices = await seed();
});
afterAll(() => restore());

describe("a 1,000-device fan-out", () => {
  it("gives every live device exactly one push despite failures and redelivery", async () => {
    const flaky = devices.slice(0, 100); // 503 (Retry-After 1) once or twice, then success
    const dead = devices.slice(100, 140); // UNREGISTERED / 410
    for (const [i, d] of flaky.entries()) {
      const times = i % 2 === 0 ? 1 : 2;
      const answer =
        d.provider === "fcm"
          ? { status: 503, errorCode: "UNAVAILABLE", retryAfter: 1 }
          : { status: 503, reason: "ServiceUnavailable", retryAfter: 1 };
      await script(
        d.provider,
        d.token,
        Array.from({ length: times }, () => answer),
      );
    }
    for (const d of dead) {
      await script(
        d.provider,
        d.token,
        [
          d.provider === "fcm"
            ? { status: 404, errorCode: "UNREGISTERED" }
            : { status: 410, reason: "Unregistered" },
        ],
        false,
      );
    }
    const since = await latestSeq();
    const started = Date.now();
    const created = await createOk(visible({ target: { deviceIds: devices.map((d) => d.id) } }));
    const createMs = Date.now() - started;

    // Force redelivery: once the ledger exists, every job goes to the real queue a second time,
    // and a third copy is fed straight to the consumer while the first wave is still sending.
    await waitFor(
      "the plan",
      async () => ((await ledger(created.id)).length === N ? true : undefined),
      30_000,
    );
    const jobs: PushJob[] = chunk(
      devices.map((d) => d.id),
      10,
    ).map((deviceIds) => ({ campaignId: created.id, deviceIds }));
    for (const part of chunk(jobs, 100)) {
      await env.PUSH_QUEUE.sendBatch(part.map((body) => ({ body, contentType: "json" as const })));
    }
    const batches = chunk(jobs, 50).map((part) =>
      createMessageBatch(
        "outpost-push",
        part.map((body, i) => ({
          id: `dup-${i}-${crypto.randomUUID()}`,
          timestamp: new Date(),
          attempts: 1,
          body,
        })),
      ),
    );
    await Promise.all(
      batches.map(async (batch) => {
        const ctx = createExecutionContext();
        await handleQueue(batch, env, ctx);
        await getQueueResult(batch, ctx);
      }),
    );

    const view = await waitUntilSent(created.id, 90_000);
    // Let any straggling duplicate (and re-queued retry) drain before counting.
    await new Promise((r) => setTimeout(r, 4000));
    const final = await waitUntilSent(created.id);
    expect(final.stats).toMatchObject({
      targeted: N,
      sent: N - dead.length,
      pruned: dead.length,
      failed: {},
    });
    expect(view.stats.sent).toBe(N - dead.length);

    const mine = new Map(devices.map((d) => [`${d.provider}:${d.token}`, 0]));
    for (const delivery of await acceptedSince(since)) {
      const key = `${delivery.provider}:${delivery.token}`;
      if (mine.has(key)) mine.set(key, (mine.get(key) ?? 0) + 1);
    }
    const deadKeys = new Set(dead.map((d) => `${d.provider}:${d.token}`));
    const wrong = [...mine].filter(([key, n]) => n !== (deadKeys.has(key) ? 0 : 1));
    expect(wrong).toEqual([]);

    const rows = await ledger(created.id);
    const flakyIds = new Set(flaky.map((d) => d.id));
    expect(rows.filter((r) => flakyIds.has(r.device_id)).every((r) => r.attempts >= 2)).toBe(true);

    // One OAuth token exchange and one APNs provider token for the whole run.
    const tokenRequests = calls.filter((c) => c.url.includes("/token")).length;
    const apnsCalls = calls.filter((c) => c.url.includes("/3/device/"));
    const apnsBearers = new Set(apnsCalls.map((c) => c.authorization));
    expect(apnsCalls.length).toBeGreaterThan(N / 2);
    // Another test file may expire the fake's FCM access tokens while this runs (the fake is
    // shared); each such 401 legitimately costs one refresh. Without one, exactly one exchange.
    const fcmRejections = calls.filter((c) => c.url.includes("messages:send") && c.status === 401).length;
    expect(tokenRequests).toBeGreaterThanOrEqual(1);
    expect(tokenRequests).toBeLessThanOrEqual(1 + fcmRejections);
    expect(apnsBearers.size).toBe(1);
    // Creating the campaign did not wait for 1,000 provider calls.
    expect(createMs).toBeLessThan(2000);
  }, 150_000);
});
