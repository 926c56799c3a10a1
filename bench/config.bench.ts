/**
 * Config, devices and the version policy: what a large flag set costs per `/v1/config` call, what
 * a `304` revalidation and a `426` refusal cost, and device registration (a D1 batch), as ratios
 * to a bare Hono hello route in the same run.
 *
 *   npm run bench -- config
 */
import {
  deviceRegistration,
  type BenchHarness,
  type BenchReport,
  type LoadOptions,
  type LoadResult,
} from "./harness";
import { measureAgainstHello, median, ratioRows } from "./ratio-rounds";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;
const FLAGS = 100;

const DEVICE = { "X-Platform": "ios", "X-App-Version": "3.2.1", "Accept-Language": "de-CH, de;q=0.9" };

/** A large config: FLAGS flags, each with three rules using every condition kind. */
function largeConfig() {
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < FLAGS; i++) {
    flags[`flag${i}`] = {
      default: false,
      rules: [
        { platforms: ["android"], appVersion: ">=3.1.0 <4", value: true },
        { locales: ["fr", "it"], percent: 30, value: true },
        { platforms: ["ios"], appVersion: "^3.2", locales: ["de"], percent: 50, value: true },
      ],
    };
  }
  return {
    platforms: {
      ios: { minVersion: "3.0.0", storeUrl: "https://apps.apple.com/app/id1" },
      android: { minVersion: "3.0.0", storeUrl: "https://play.google.com/store/apps/details?id=x" },
    },
    flags,
  };
}

async function expectStatus(url: string, init: RequestInit, status: number, what: string): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  return res;
}

/** Every response must have the expected status (a 304 or 426 run counts them as non-2xx). */
function check(result: LoadResult, status: number, what: string): void {
  const others = Object.entries(result.statusCodes).filter(([code]) => Number(code) !== status);
  if (result.errors > 0 || others.length > 0) {
    throw new Error(`${what}: ${result.errors} errors, statuses ${JSON.stringify(result.statusCodes)}`);
  }
}

export async function run(h: BenchHarness): Promise<BenchReport> {
  const admin = { Authorization: `Bearer ${h.adminKey}`, "Content-Type": "application/json" };
  await expectStatus(
    `${h.url}/v1/admin/config`,
    { method: "PUT", headers: admin, body: JSON.stringify(largeConfig()) },
    200,
    "PUT /v1/admin/config",
  );
  const user = await h.signInAnonymous();
  const authed = { ...DEVICE, "X-Device-Id": user.deviceId, Authorization: `Bearer ${user.accessToken}` };
  const first = await expectStatus(`${h.url}/v1/config`, { headers: authed }, 200, "GET /v1/config");
  const etag = first.headers.get("ETag") ?? "";
  const configBytes = (await first.arrayBuffer()).byteLength;
  await expectStatus(
    `${h.url}/v1/config`,
    { headers: { ...authed, "If-None-Match": etag } },
    304,
    "GET /v1/config (If-None-Match)",
  );
  const outdated = { ...authed, "X-App-Version": "2.9.0" };
  await expectStatus(`${h.url}/v1/devices`, { headers: outdated }, 426, "426 for an outdated app");
  const registration = JSON.stringify(deviceRegistration(["news", "sport", "offers"]));
  const deviceUrl = `/v1/devices/${user.deviceId}`;
  const putHeaders = { ...authed, "Content-Type": "application/json" };
  await expectStatus(
    `${h.url}${deviceUrl}`,
    { method: "PUT", headers: putHeaders, body: registration },
    200,
    "PUT device",
  );

  const routes: { name: string; status: number; options: LoadOptions }[] = [
    {
      name: `GET /v1/config, ${FLAGS} flags × 3 rules (authenticated)`,
      status: 200,
      options: { path: "/v1/config", headers: authed },
    },
    {
      name: "GET /v1/config revalidation → 304",
      status: 304,
      options: { path: "/v1/config", headers: { ...authed, "If-None-Match": etag } },
    },
    {
      name: "outdated app → 426 upgrade_required",
      status: 426,
      options: { path: "/v1/devices", headers: outdated },
    },
    {
      name: "PUT /v1/devices/{id} (re-registration, one D1 batch)",
      status: 200,
      options: { path: deviceUrl, method: "PUT", headers: putHeaders, body: registration },
    },
    { name: "GET /v1/devices", status: 200, options: { path: "/v1/devices", headers: authed } },
  ];

  const rounds = await measureAgainstHello(h, routes, {
    rounds: ROUNDS,
    connections: CONNECTIONS,
    seconds: DURATION,
    check: (result, what, route) => check(result, route?.status ?? 200, what),
  });

  const rows = ratioRows(rounds, (results, route) =>
    route ? `, ${Math.round(median(results.map((r) => r.bytesPerRequest)))} B/response` : "",
  );
  rows.push({ name: "config body for this device", value: `${configBytes} B`, note: `${FLAGS} flags` });
  return { title: "Config, devices and the version policy", rows };
}
