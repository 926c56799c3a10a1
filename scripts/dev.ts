/**
 * `npm run dev`: everything a fresh clone needs to serve Outpost locally, in one command.
 *
 * 1. start the fake OIDC issuer, FCM, APNs, App Store, Google Play and their control API on
 *    127.0.0.1:9700–9705;
 * 2. create `.dev.vars` if it is missing (fresh ES256 key set, admin key, the fakes' credentials
 *    and URLs), or hand the credentials it already holds back to the fakes, so a restart keeps
 *    working with the same file;
 * 3. apply the D1 migrations locally; 4. start `wrangler dev` on 127.0.0.1:8787;
 * 5. seed demo data through the HTTP API; 6. start the demo app's Vite dev server on
 * 127.0.0.1:5173 (examples/demo, `/v1` proxied to the Worker); 7. keep running until Ctrl-C, then
 * stop everything.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createPrivateKey } from "node:crypto";
import { createConnection } from "node:net";
import { join, resolve } from "node:path";
import { type FakeProviders, type FakeProvidersOptions, startFakeProviders } from "../test/fakes";
import { generateAdminKey, generateSigningKeySet } from "./lib/dev-secrets";
import { formatDevVar, formatDevVars, parseDevVars } from "./lib/dev-vars";
import { runQuiet, spawnGroup, stopGroup, waitForHttp } from "./lib/processes";
import { type DemoServer, startDemoDevServer } from "./lib/demo-server";
import { providerBindings } from "./lib/provider-bindings";
import { seed } from "./seed";

const ROOT = resolve(import.meta.dirname, "..");
const DEV_VARS = join(ROOT, ".dev.vars");
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const HOST = "127.0.0.1";
const PORT = 8787;
const FAKE_PORTS = { control: 9700, oidc: 9701, fcm: 9702, apns: 9703, appStore: 9704, play: 9705 };
const DEMO_PORT = 5173;
const URL_BASE = `http://${HOST}:${PORT}`;

const say = (line = "") => console.log(`[outpost] ${line}`);

function portTaken(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

/** True when `pem` is a private key Node can read (so the fake can derive its public half). */
function readablePrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/**
 * The fakes' credentials as `.dev.vars` holds them, so restarted fakes accept the same keys. What
 * is missing or unreadable (placeholders from .dev.vars.example) is left out: that fake makes a
 * fresh key, and its provider's pushes fail auth until the stale lines are deleted and regenerated.
 */
function credentialsFrom(vars: Record<string, string>): NonNullable<FakeProvidersOptions["credentials"]> {
  const credentials: NonNullable<FakeProvidersOptions["credentials"]> = {};
  const stale = (names: string) =>
    say(`${names} in .dev.vars cannot be used by the fakes: delete and restart to regenerate`);
  const fcm = serviceAccountFrom(vars.FCM_SERVICE_ACCOUNT);
  if (fcm) credentials.fcm = fcm;
  else if (vars.FCM_SERVICE_ACCOUNT) stale("FCM_SERVICE_ACCOUNT");
  const play = serviceAccountFrom(vars.PLAY_SERVICE_ACCOUNT);
  if (play) credentials.play = play;
  else if (vars.PLAY_SERVICE_ACCOUNT) stale("PLAY_SERVICE_ACCOUNT");
  const keyP8 = vars.APNS_KEY_P8 ?? "";
  if (readablePrivateKey(keyP8) && vars.APNS_KEY_ID && vars.APNS_TEAM_ID) {
    credentials.apns = {
      keyP8,
      keyId: vars.APNS_KEY_ID,
      teamId: vars.APNS_TEAM_ID,
      bundleId: vars.APNS_BUNDLE_ID,
    };
  } else if (keyP8) {
    stale("APNS_KEY_P8 / APNS_KEY_ID / APNS_TEAM_ID");
  }
  // The fake App Store keeps its test root (APPSTORE_ROOT_CERTS) and in-app purchase key.
  const rootKeyPem = vars.APPSTORE_FAKE_ROOT_KEY ?? "";
  const appStoreKey = vars.APPSTORE_KEY_P8 ?? "";
  if (vars.APPSTORE_ROOT_CERTS && readablePrivateKey(rootKeyPem) && readablePrivateKey(appStoreKey)) {
    credentials.appStore = {
      rootCertPem: vars.APPSTORE_ROOT_CERTS,
      rootKeyPem,
      keyP8: appStoreKey,
      keyId: vars.APPSTORE_KEY_ID,
      issuerId: vars.APPSTORE_ISSUER_ID,
    };
  } else if (vars.APPSTORE_ROOT_CERTS) {
    stale("APPSTORE_ROOT_CERTS / APPSTORE_FAKE_ROOT_KEY / APPSTORE_KEY_P8");
  }
  return credentials;
}

/** A Google service account JSON's key material, when it is one the fakes can use. */
function serviceAccountFrom(json: string | undefined) {
  try {
    const {
      private_key: privateKeyPem,
      project_id: projectId,
      client_email: clientEmail,
    } = JSON.parse(json ?? "") as Record<string, unknown>;
    if (
      typeof privateKeyPem === "string" &&
      readablePrivateKey(privateKeyPem) &&
      typeof projectId === "string" &&
      typeof clientEmail === "string"
    ) {
      return { privateKeyPem, projectId, clientEmail };
    }
  } catch {
    // Reported by the caller.
  }
  return undefined;
}

/** A `.dev.vars` copied from `.dev.vars.example` still holds placeholders the Worker cannot use. */
function warnAboutPlaceholders(vars: Record<string, string>): void {
  try {
    const set = JSON.parse(vars.JWT_SIGNING_KEYS ?? "") as { keys?: { kty?: string; d?: string }[] };
    if (
      !set.keys?.length ||
      !set.keys.every((k) => k.kty === "EC" && typeof k.d === "string" && k.d.length > 10)
    ) {
      throw new Error("no private EC keys");
    }
  } catch {
    say(
      "JWT_SIGNING_KEYS in .dev.vars is not a private ES256 JWK set: delete that line and restart to regenerate it",
    );
  }
  if (!vars.ADMIN_API_KEY || vars.ADMIN_API_KEY === "change-me") {
    say("ADMIN_API_KEY in .dev.vars is a placeholder: delete that line and restart to regenerate it");
  }
}

/** Writes a fresh `.dev.vars`, or adds what an older one lacks (never overwrites a value). */
async function ensureDevVars(fakes: FakeProviders, existing: Record<string, string> | undefined) {
  // The fake App Store's root key is not a Worker var: it lets a restarted fake keep its root.
  const providers = { ...providerBindings(fakes), APPSTORE_FAKE_ROOT_KEY: fakes.appStore.rootKeyPem };
  if (!existing) {
    writeFileSync(
      DEV_VARS,
      formatDevVars([
        {
          comment: "Private ES256 JWK set: the first key signs access tokens, every key verifies.",
          vars: { JWT_SIGNING_KEYS: await generateSigningKeySet(1) },
        },
        {
          comment: "Bearer key for /v1/admin/* and /v1/push/campaigns.",
          vars: { ADMIN_API_KEY: generateAdminKey() },
        },
        {
          comment: "GraphQL query text from anyone (GraphiQL, experiments): local development only.",
          vars: { GRAPHQL_ALLOW_ARBITRARY: "true" },
        },
        {
          comment:
            "The fake providers `npm run dev` starts on 127.0.0.1:9700-9705 (their keys are handed\n" +
            "back to them on every start, so keep these together).",
          vars: providers,
        },
      ]),
      { mode: 0o600 },
    );
    say("created .dev.vars with fresh development secrets");
    return parseDevVars(readFileSync(DEV_VARS, "utf8"));
  }
  const missing: Record<string, string> = {};
  if (!existing.JWT_SIGNING_KEYS) missing.JWT_SIGNING_KEYS = await generateSigningKeySet(1);
  if (!existing.ADMIN_API_KEY) missing.ADMIN_API_KEY = generateAdminKey();
  for (const [key, value] of Object.entries(providers)) if (!existing[key]) missing[key] = value;
  if (Object.keys(missing).length > 0) {
    const lines = Object.entries(missing).map(([k, v]) => formatDevVar(k, v));
    appendFileSync(DEV_VARS, `\n# Added by npm run dev\n${lines.join("\n")}\n`);
    say(`added to .dev.vars: ${Object.keys(missing).join(", ")}`);
  }
  return { ...existing, ...missing };
}

/**
 * Ctrl-C reaches the whole foreground process group, but a launcher killed on its own (`timeout
 * npm run dev`, an IDE's stop button) dies without telling `npm run`'s children: stop when the
 * group's leader is gone, rather than leave wrangler and workerd serving. Linux only (/proc).
 */
function watchLauncher(onGone: () => void): void {
  let leader: number;
  try {
    // /proc/self/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces, so split after ")".
    const stat = readFileSync("/proc/self/stat", "utf8");
    leader = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  } catch {
    return;
  }
  if (!Number.isInteger(leader) || leader <= 1 || leader === process.pid) return;
  const timer = setInterval(() => {
    try {
      process.kill(leader, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") return;
      clearInterval(timer);
      onGone();
    }
  }, 1000);
  timer.unref();
}

async function main(): Promise<void> {
  for (const port of [PORT, DEMO_PORT, ...Object.values(FAKE_PORTS)]) {
    if (await portTaken(port)) {
      throw new Error(`port ${port} on ${HOST} is already in use (another \`npm run dev\`?). Stop it first.`);
    }
  }

  const existing = existsSync(DEV_VARS) ? parseDevVars(readFileSync(DEV_VARS, "utf8")) : undefined;
  if (existing) warnAboutPlaceholders(existing);
  const fakes = await startFakeProviders({
    ports: FAKE_PORTS,
    oidc: { name: "dev", audience: "outpost-dev" },
    play: { webhookUrl: `${URL_BASE}/v1/webhooks/play`, pushAudience: "outpost-dev-play-push" },
    credentials: existing ? credentialsFrom(existing) : undefined,
    storeWebhookUrl: `${URL_BASE}/v1/webhooks/app-store`,
  });
  let wrangler: ReturnType<typeof spawnGroup> | undefined;
  let demo: DemoServer | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await demo?.close().catch(() => undefined);
    if (wrangler) await stopGroup(wrangler);
    await fakes.close();
    process.exit(code);
  };
  watchLauncher(() => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGHUP", () => void shutdown(0));

  try {
    const vars = await ensureDevVars(fakes, existing);

    say("applying D1 migrations locally");
    // Non-interactive: wrangler skips its confirmation prompt without a TTY and under CI.
    const migrated = await runQuiet("node", [WRANGLER, "d1", "migrations", "apply", "DB", "--local"], {
      ...process.env,
      CI: "1",
    });
    const pending = /Migrations to be applied:([\s\S]*?)\n\?/.exec(migrated)?.[1] ?? "";
    const applied = pending.match(/\d{4}_\S+\.sql/g) ?? [];
    say(applied.length > 0 ? `applied ${applied.join(", ")}` : "local D1 already up to date");

    say(`starting wrangler dev on ${URL_BASE}`);
    wrangler = spawnGroup("node", [
      WRANGLER,
      "dev",
      "--ip",
      HOST,
      "--port",
      String(PORT),
      "--show-interactive-dev-session=false",
    ]);
    const child = wrangler;
    child.once("exit", (code, signal) => {
      if (!stopping) {
        say(`wrangler dev exited (${code ?? signal})`);
        void shutdown(code ?? 1);
      }
    });
    await waitForHttp(
      `${URL_BASE}/healthz`,
      90_000,
      () => child.exitCode === null && child.signalCode === null,
    );

    say("seeding demo data");
    const providers = JSON.parse(vars.OIDC_PROVIDERS ?? "[]") as { name?: string }[];
    try {
      await seed({
        baseUrl: URL_BASE,
        adminKey: vars.ADMIN_API_KEY ?? "",
        controlUrl: fakes.controlUrl,
        provider: providers[0]?.name ?? fakes.oidc.name,
        stateFile: join(ROOT, ".dev-state", "seed.json"),
        log: (line) => say(line),
      });
    } catch (error) {
      say(
        `seeding failed (the server keeps running): ${error instanceof Error ? error.message : String(error)}`,
      );
    }

    say(`starting the demo app on http://${HOST}:${DEMO_PORT}`);
    demo = await startDemoDevServer({ apiUrl: URL_BASE, host: HOST, port: DEMO_PORT });

    console.log(
      [
        "",
        "  ┌──────────────────────────────────────────────────────────────────────────┐",
        `    Outpost          ${URL_BASE}   (API docs: ${URL_BASE}/docs)`,
        `    Console          ${URL_BASE}/console   (sign in with the admin key below)`,
        `    Demo app         ${demo.url}/   (open it in two windows, one private)`,
        `    Fake push page   ${fakes.controlUrl}/   (also fires App Store and Google Play purchases, renewals, refunds)`,
        "    Admin key        ADMIN_API_KEY in .dev.vars",
        "    ID token         npm run -s id-token -- --sub alice [--email a@example.com] [--nonce n]",
        `                     then POST ${URL_BASE}/v1/auth/oidc {"provider":"${providers[0]?.name ?? "dev"}","idToken":"…"}`,
        "    Stop             Ctrl-C",
        "  └──────────────────────────────────────────────────────────────────────────┘",
        "",
      ].join("\n"),
    );
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    await shutdown(1);
  }
}

main().catch((error: unknown) => {
  console.error(`[outpost] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
