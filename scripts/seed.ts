/**
 * Demo data for local development, through the public HTTP API only (so it exercises the same
 * paths as the apps and never depends on table layouts). Idempotent: running it again changes
 * nothing visible — OIDC identities, device ids, sync client mutation ids and the campaign's
 * Idempotency-Key are fixed, and what the API cannot look up (the shared space, the guest's
 * refresh token) is remembered in `.dev-state/seed.json`.
 *
 *   npm run dev            (seeds automatically once wrangler dev answers)
 *   npx tsx scripts/seed.ts [--url http://127.0.0.1:8787]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseDevVars } from "./lib/dev-vars";

export interface SeedOptions {
  baseUrl: string;
  adminKey: string;
  /** Control API of the fake providers (mints ID tokens). */
  controlUrl: string;
  /** `name` of the fake issuer in OIDC_PROVIDERS. */
  provider: string;
  stateFile: string;
  log?: (line: string) => void;
}

interface SeedState {
  guestRefreshToken?: string;
  familySpaceId?: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const DEMO_CONFIG = {
  platforms: {
    ios: { minVersion: "3.0.0", storeUrl: "https://apps.apple.com/app/id1" },
    android: {
      minVersion: "3.0.0",
      storeUrl: "https://play.google.com/store/apps/details?id=com.example.outpost",
    },
  },
  flags: {
    newOnboarding: {
      default: false,
      rules: [{ platforms: ["ios"], appVersion: ">=3.2.0", locales: ["de"], percent: 50, value: true }],
    },
    darkMode: { default: true },
    checkoutV2: { default: false, rules: [{ appVersion: ">=3.1.0", value: true }] },
  },
};

const USERS = [
  {
    sub: "alice",
    email: "alice@example.com",
    devices: [
      {
        id: "6f1c2a3e-0000-4000-8000-00000000a11c",
        platform: "ios",
        pushProvider: "apns",
        pushToken: "a1".repeat(32),
        appVersion: "3.2.1",
        locale: "de-CH",
        timezone: "Europe/Zurich",
        topics: ["news", "deals"],
      },
      {
        id: "6f1c2a3e-0000-4000-8000-00000000a12c",
        platform: "android",
        pushProvider: "fcm",
        pushToken: "fcm-demo-alice-pixel",
        appVersion: "3.1.0",
        locale: "en-GB",
        timezone: "Europe/London",
        topics: ["news"],
      },
    ],
  },
  {
    sub: "bob",
    email: "bob@example.com",
    devices: [
      {
        id: "6f1c2a3e-0000-4000-8000-000000000b0b",
        platform: "ios",
        pushProvider: "apns",
        pushToken: "b0".repeat(32),
        appVersion: "3.0.0",
        locale: "en-US",
        timezone: "America/New_York",
        topics: ["news"],
      },
    ],
  },
] as const;

const TASKS = [
  { key: "t1", value: { title: "Buy milk", done: false } },
  { key: "t2", value: { title: "Book flights to Zurich", done: false, dueAt: 1_767_225_600_000 } },
  { key: "t3", value: { title: "Water the plants", done: true, tags: ["home"] } },
  {
    key: "t4",
    value: { title: "Pick a cover photo", done: false, imageUrl: "https://images.example.com/cover.jpg" },
  },
];

export async function seed(options: SeedOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const state: SeedState = existsSync(options.stateFile)
    ? (JSON.parse(readFileSync(options.stateFile, "utf8")) as SeedState)
    : {};
  const saveState = () => {
    mkdirSync(resolve(options.stateFile, ".."), { recursive: true });
    writeFileSync(options.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  };

  async function api(
    method: string,
    path: string,
    init: { token?: string; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    if (init.json !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    } catch {
      return { status: res.status, body: { text } };
    }
  }

  /** Logs a step's outcome; a 404 means that capability has not landed yet, which is fine. */
  function report(step: string, answer: Answer, ok: number[] = [200, 201, 202, 204]): boolean {
    if (ok.includes(answer.status)) {
      log(`  ✓ ${step}`);
      return true;
    }
    if (answer.status === 404 && answer.body.code === "not_found") {
      log(`  · ${step}: skipped (route not available yet)`);
    } else {
      log(`  ✗ ${step}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
    return false;
  }

  const admin = `Bearer ${options.adminKey}`;
  report(
    "remote config and flags",
    await api("PUT", "/v1/admin/config", { headers: { Authorization: admin }, json: DEMO_CONFIG }),
  );

  const tokens = new Map<string, { accessToken: string; userId: string }>();
  for (const user of USERS) {
    const minted = await fetch(`${options.controlUrl}/oidc/id-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sub: user.sub, email: user.email }),
    });
    if (!minted.ok) throw new Error(`the fake issuer did not mint a token: ${minted.status}`);
    const { idToken } = (await minted.json()) as { idToken: string };
    const signIn = await api("POST", "/v1/auth/oidc", {
      json: { provider: options.provider, idToken, deviceId: user.devices[0].id },
    });
    if (!report(`user ${user.sub} (${user.email}) via OIDC`, signIn)) continue;
    const accessToken = String(signIn.body.accessToken);
    const userId = String((signIn.body.user as { id?: unknown } | undefined)?.id ?? "");
    tokens.set(user.sub, { accessToken, userId });
    for (const { id, ...device } of user.devices) {
      report(
        `  device ${id} (${device.platform})`,
        await api("PUT", `/v1/devices/${id}`, { token: accessToken, json: device }),
      );
    }
  }

  // The guest: an anonymous user kept alive through its refresh token, so re-seeding reuses it.
  let guest: Answer | undefined;
  if (state.guestRefreshToken) {
    guest = await api("POST", "/v1/auth/refresh", { json: { refreshToken: state.guestRefreshToken } });
    if (guest.status !== 200) guest = undefined;
  }
  guest ??= await api("POST", "/v1/auth/anonymous", { json: { deviceId: crypto.randomUUID() } });
  if (report("anonymous guest user", guest)) {
    state.guestRefreshToken = String(guest.body.refreshToken);
    saveState();
  }

  const alice = tokens.get("alice");
  const bob = tokens.get("bob");
  if (alice) {
    // Fixed clientId and mutation ids: a second run is a retried push, skipped by the server.
    const records: { collection: string; key: string; value: Record<string, unknown> }[] = [
      ...TASKS.map((task) => ({ collection: "tasks", ...task })),
      { collection: "notes", key: "n1", value: { title: "Welcome", body: "Seeded by scripts/seed.ts." } },
    ];
    const mutations = records.map((record, i) => ({ id: i + 1, op: "put", ...record }));
    report(
      "alice's personal space: 4 tasks and a note",
      await api("POST", "/v1/sync/me/push", {
        token: alice.accessToken,
        json: { clientId: "seed-alice", mutations },
      }),
    );

    // A remembered space that the database no longer has (its local state was wiped) is recreated.
    if (state.familySpaceId) {
      const probe = await api(
        "GET",
        `/v1/sync/${state.familySpaceId}/pull?clientId=seed-alice-family&cursor=0&limit=1`,
        {
          token: alice.accessToken,
        },
      );
      if (probe.status === 404 || probe.status === 403) delete state.familySpaceId;
    }
    if (!state.familySpaceId) {
      const space = await api("POST", "/v1/spaces", { token: alice.accessToken, json: { name: "Family" } });
      if (report("shared space Family", space) && typeof space.body.id === "string") {
        state.familySpaceId = space.body.id;
        saveState();
      }
    } else {
      log(`  ✓ shared space Family (${state.familySpaceId})`);
    }
    if (state.familySpaceId && bob) {
      report(
        "  bob joins Family as editor",
        await api("POST", `/v1/spaces/${state.familySpaceId}/members`, {
          token: alice.accessToken,
          json: { userId: bob.userId, role: "editor" },
        }),
        [200, 201, 204, 409],
      );
      report(
        "  a shared task in Family",
        await api("POST", `/v1/sync/${state.familySpaceId}/push`, {
          token: alice.accessToken,
          json: {
            clientId: "seed-alice-family",
            mutations: [
              {
                id: 1,
                collection: "tasks",
                key: "f1",
                op: "put",
                value: { title: "Plan the weekend", done: false },
              },
            ],
          },
        }),
      );
    }

    report(
      "welcome campaign to alice (see the fake push page)",
      await api("POST", "/v1/push/campaigns", {
        headers: { Authorization: admin, "Idempotency-Key": "seed-welcome-v1" },
        json: {
          title: "Welcome to Outpost",
          body: "Your local backend is up.",
          data: { screen: "home" },
          target: { userIds: [alice.userId] },
        },
      }),
    );
  }
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, "..");
  const argUrl = process.argv.indexOf("--url");
  const baseUrl = argUrl > 0 ? (process.argv[argUrl + 1] ?? "") : "http://127.0.0.1:8787";
  const devVarsPath = join(root, ".dev.vars");
  if (!existsSync(devVarsPath)) throw new Error("No .dev.vars: start `npm run dev` first.");
  const vars = parseDevVars(readFileSync(devVarsPath, "utf8"));
  const providers = JSON.parse(vars.OIDC_PROVIDERS ?? "[]") as { name: string }[];
  await seed({
    baseUrl,
    adminKey: vars.ADMIN_API_KEY ?? "",
    controlUrl: "http://127.0.0.1:9700",
    provider: providers[0]?.name ?? "dev",
    stateFile: join(root, ".dev-state", "seed.json"),
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main();
}
