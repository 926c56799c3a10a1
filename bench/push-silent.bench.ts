/**
 * Push providers, exercised the way the sync engine uses them: one commit to a shared space wakes
 * every other member's device with a silent push (APNs direct, Android FCM, iOS through FCM),
 * against the fake providers. Reports how long the commit's API call takes (it must not wait for
 * provider calls), how fast the pushes arrive, duplicates (goal 0), pushes to the committing
 * device (goal 0), the 20-minute throttle on a second commit (goal 0 new pushes), FCM OAuth token
 * requests and APNs provider tokens (goal 1 each).
 *
 *   npm run bench -- push-silent          (BENCH_SILENT_DEVICES=300 by default)
 */
import type { BenchHarness, BenchReport, SignedInUser } from "./harness";

const DEVICES = Number(process.env.BENCH_SILENT_DEVICES ?? 300);
const SETUP_CONCURRENCY = 16;
const ARRIVAL_TIMEOUT_MS = 120_000;
const THROTTLE_WAIT_MS = 4_000;

interface Delivery {
  seq: number;
  provider: "fcm" | "apns";
  token: string;
  receivedAt: string;
  summary: { silent: boolean };
}
interface Stats {
  fcm: { tokenRequests: number; sends: number };
  apns: { providerTokens: number; tokenUpdatesTooSoon: number; sends: number };
  latestSeq: number;
}

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A third APNs, a third Android FCM, a third iOS through FCM. */
function registration(i: number) {
  if (i % 3 === 0) return { platform: "ios", pushProvider: "apns", pushToken: hex(32) };
  const pushToken = `bench-${crypto.randomUUID()}:APA91b${hex(20)}`;
  return i % 3 === 1
    ? { platform: "android", pushProvider: "fcm", pushToken }
    : { platform: "ios", pushProvider: "fcm", pushToken };
}

async function pool<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i] as T, i);
      }
    }),
  );
  return out;
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  const api = async (user: SignedInUser, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${user.accessToken}`,
        "Content-Type": "application/json",
        "X-Device-Id": user.deviceId,
        "X-Platform": "ios",
        "X-App-Version": "3.2.1",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const control = async <T>(path: string): Promise<T> =>
    (await fetch(`${h.fakes.controlUrl}${path}`)).json() as Promise<T>;

  h.log(`signing in ${DEVICES + 1} users and registering their devices`);
  const owner = await h.signInAnonymous();
  const ownerToken = hex(32);
  await api(owner, "PUT", `/v1/devices/${owner.deviceId}`, {
    platform: "ios",
    pushProvider: "apns",
    pushToken: ownerToken,
  });
  const members = await pool(
    Array.from({ length: DEVICES }, (_, i) => i),
    SETUP_CONCURRENCY,
    async (i) => {
      const user = await h.signInAnonymous();
      const reg = registration(i);
      await api(user, "PUT", `/v1/devices/${user.deviceId}`, reg);
      return { user, token: reg.pushToken };
    },
  );
  const space = await api(owner, "POST", "/v1/spaces", { name: "bench" });
  const spaceId = String(space.id);
  await pool(members, SETUP_CONCURRENCY, ({ user }) =>
    api(owner, "POST", `/v1/spaces/${spaceId}/members`, { userId: user.userId, role: "viewer" }),
  );

  const before = await control<Stats>("/stats");
  const commit = (id: number) =>
    api(owner, "POST", `/v1/sync/${spaceId}/push`, {
      clientId: owner.deviceId,
      mutations: [
        { id, collection: "tasks", key: `t${id}`, op: "put", value: { title: `task ${id}`, done: false } },
      ],
    });

  h.log(`committing once; waiting for ${DEVICES} silent pushes`);
  const t0 = performance.now();
  await commit(1);
  const commitMs = performance.now() - t0;
  let wave: Delivery[] = [];
  while (performance.now() - t0 < ARRIVAL_TIMEOUT_MS) {
    wave = await control<Delivery[]>(`/deliveries?since=${before.latestSeq}`);
    if (wave.length >= DEVICES) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const lastArrival = Math.max(...wave.map((d) => Date.parse(d.receivedAt)));
  const firstArrival = Math.min(...wave.map((d) => Date.parse(d.receivedAt)));
  const arrivalMs = performance.now() - t0;
  const afterWave = await control<Stats>("/stats");

  h.log("committing again inside the 20-minute window");
  await commit(2);
  await new Promise((r) => setTimeout(r, THROTTLE_WAIT_MS));
  const second = await control<Delivery[]>(`/deliveries?since=${afterWave.latestSeq}`);
  const after = await control<Stats>("/stats");

  const perToken = new Map<string, number>();
  for (const d of wave) perToken.set(d.token, (perToken.get(d.token) ?? 0) + 1);
  const duplicates = [...perToken.values()].reduce((n, c) => n + (c - 1), 0);
  const expected = new Set(members.map((m) => m.token));
  const missing = [...expected].filter((t) => !perToken.has(t)).length;
  const spreadS = Math.max(1, lastArrival - firstArrival) / 1000;

  return {
    title: `Silent sync pushes: one commit to a space with ${DEVICES} other members' devices`,
    rows: [
      {
        name: "sync push API latency",
        value: `${commitMs.toFixed(0)} ms`,
        note: "does not wait for providers",
      },
      { name: "silent pushes delivered", value: `${wave.length} / ${DEVICES}`, note: `${missing} missing` },
      {
        name: "all delivered after",
        value: `${(arrivalMs / 1000).toFixed(2)} s`,
        note: "from the commit request",
      },
      {
        name: "delivery rate",
        value: `${Math.round(wave.length / spreadS)} /s`,
        note: "first to last arrival, 6 in flight per invocation",
      },
      { name: "duplicates", value: String(duplicates), note: "goal 0" },
      {
        name: "pushes to the committing device",
        value: String(perToken.get(ownerToken) ?? 0),
        note: "goal 0",
      },
      {
        name: "pushes from a 2nd commit within 20 min",
        value: String(second.length),
        note: "goal 0 (throttled)",
      },
      {
        name: "FCM OAuth token requests",
        value: String(after.fcm.tokenRequests - before.fcm.tokenRequests),
        note: "goal 1",
      },
      {
        name: "APNs provider tokens",
        value: String(after.apns.providerTokens - before.apns.providerTokens),
        note: `goal 1; ${after.apns.tokenUpdatesTooSoon} re-mints under 20 min`,
      },
      {
        name: "silent payloads",
        value: String(wave.filter((d) => d.summary.silent).length),
        note: "all background / data-only",
      },
    ],
  };
}
