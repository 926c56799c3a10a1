/**
 * Push campaigns: one campaign fanned out to 10,000 devices through the queue against the fake
 * providers. Reports the API latency of creating the campaign (it must not wait for provider
 * calls), deliveries per second from creation to the campaign's `sent`, duplicates (goal 0),
 * FCM OAuth token requests and APNs provider tokens (goal 1 each).
 *
 * Devices are seeded straight into D1 through Miniflare's handle (`h.mf.getD1Database("DB")`),
 * half APNs and half FCM, all owned by one user: registering 10,000 devices over HTTP would
 * measure the devices route, not the fan-out.
 *
 *   npm run bench -- push          (BENCH_PUSH_DEVICES=10000 by default)
 */
import type { BenchHarness, BenchReport } from "./harness";

const DEVICES = Number(process.env.BENCH_PUSH_DEVICES ?? 10_000);
const SEED_BATCH = 500;
const SMALL_CAMPAIGNS = 30;
const TIMEOUT_MS = 600_000;

interface Stats {
  fcm: { tokenRequests: number; sends: number };
  apns: { providerTokens: number; sends: number };
  latestSeq: number;
}
interface Delivery {
  provider: "fcm" | "apns";
  token: string;
}

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  const admin = { Authorization: `Bearer ${h.adminKey}`, "Content-Type": "application/json" };
  const control = async <T>(path: string): Promise<T> =>
    (await fetch(`${h.fakes.controlUrl}${path}`)).json() as Promise<T>;
  const createCampaign = async (target: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(`${h.url}/v1/push/campaigns`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ title: "Bench", body: "Fan-out", data: { screen: "inbox" }, target }),
    });
    const ms = performance.now() - started;
    if (res.status !== 202) throw new Error(`create campaign: ${res.status} ${await res.text()}`);
    return { id: ((await res.json()) as { id: string }).id, ms };
  };

  h.log(`seeding ${DEVICES} devices into D1`);
  const db = await h.mf.getD1Database("DB");
  const now = Date.now();
  const userId = crypto.randomUUID();
  await db
    .prepare("INSERT INTO users (id, anonymous, created_at, updated_at) VALUES (?, 1, ?, ?)")
    .bind(userId, now, now)
    .run();
  const tokens = new Set<string>();
  for (let start = 0; start < DEVICES; start += SEED_BATCH) {
    const statements = [];
    for (let i = start; i < Math.min(DEVICES, start + SEED_BATCH); i++) {
      const apns = i % 2 === 0;
      const token = apns ? hex(32) : `bench-${crypto.randomUUID()}:APA91b${hex(20)}`;
      tokens.add(`${apns ? "apns" : "fcm"}:${token}`);
      statements.push(
        db
          .prepare(
            `INSERT INTO devices (id, user_id, platform, push_provider, push_token, push_token_updated_at,
               app_version, app_version_key, locale, timezone, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, '3.2.1', 3000002000001, 'en-US', 'UTC', ?, ?)`,
          )
          .bind(
            crypto.randomUUID(),
            userId,
            apns ? "ios" : "android",
            apns ? "apns" : "fcm",
            token,
            now,
            now,
            now,
          ),
      );
    }
    await db.batch(statements);
  }

  // Creation latency on its own: campaigns that target nobody, so nothing else is running.
  const small: number[] = [];
  for (let i = 0; i < SMALL_CAMPAIGNS; i++)
    small.push((await createCampaign({ userIds: [crypto.randomUUID()] })).ms);

  const before = await control<Stats>("/stats");
  h.log(`creating one campaign for ${DEVICES} devices`);
  const started = performance.now();
  const big = await createCampaign({ userIds: [userId] });
  let firstAt: number | null = null;
  for (;;) {
    const res = await fetch(`${h.url}/v1/push/campaigns/${big.id}`, { headers: admin });
    const view = (await res.json()) as { status: string; stats: { sent: number; targeted: number } };
    if (firstAt === null && view.stats.sent > 0) firstAt = performance.now() - started;
    if (view.status === "sent") break;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`campaign not sent after ${TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const totalMs = performance.now() - started;
  const after = await control<Stats>("/stats");
  const delivered = await control<Delivery[]>(`/deliveries?since=${before.latestSeq}`);
  const perToken = new Map<string, number>();
  for (const d of delivered) {
    const key = `${d.provider}:${d.token}`;
    if (tokens.has(key)) perToken.set(key, (perToken.get(key) ?? 0) + 1);
  }
  const duplicates = [...perToken.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const missing = tokens.size - perToken.size;
  const statsView = (await (
    await fetch(`${h.url}/v1/push/campaigns/${big.id}`, { headers: admin })
  ).json()) as {
    stats: { sent: number; targeted: number };
  };

  return {
    title: `Push campaign fan-out: ${DEVICES.toLocaleString("en")} devices (half APNs, half FCM), fake providers`,
    rows: [
      {
        name: `create campaign (${DEVICES.toLocaleString("en")} targets), API latency`,
        value: `${big.ms.toFixed(1)} ms`,
      },
      {
        name: `create campaign, p50 / p99 of ${SMALL_CAMPAIGNS}`,
        value: `${percentile(small, 50).toFixed(1)} / ${percentile(small, 99).toFixed(1)} ms`,
      },
      { name: "first push accepted after create", value: `${((firstAt ?? totalMs) / 1000).toFixed(2)} s` },
      { name: "create → campaign sent", value: `${(totalMs / 1000).toFixed(1)} s` },
      {
        name: "deliveries/s (create → sent)",
        value: `${Math.round(statsView.stats.sent / (totalMs / 1000))}`,
      },
      { name: "targeted / sent (ledger)", value: `${statsView.stats.targeted} / ${statsView.stats.sent}` },
      {
        name: "pushes accepted by the fakes",
        value: String([...perToken.values()].reduce((a, b) => a + b, 0)),
      },
      { name: "duplicates (goal 0)", value: String(duplicates) },
      { name: "devices without a push (goal 0)", value: String(missing) },
      {
        name: "FCM OAuth token requests (goal 1)",
        value: String(after.fcm.tokenRequests - before.fcm.tokenRequests),
      },
      { name: "APNs provider tokens (goal 1)", value: String(after.apns.providerTokens) },
    ],
  };
}
