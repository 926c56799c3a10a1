import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createPublicKey, type KeyObject, randomBytes, randomUUID } from "node:crypto";
import { compactVerify, decodeProtectedHeader, exportPKCS8, generateKeyPair, type CryptoKey } from "jose";
import { APNS_HEADERS, checkApnsRequest } from "./apns-request";
import type { DeliveryLog } from "./deliveries";
import { closeServer, guarded, header, isRecord, listen, readBody } from "./http-util";
import { ScriptBook, type ScriptedResponse } from "./scripts";

const TOKEN_MAX_AGE_MS = 60 * 60 * 1000;
const TOKEN_UPDATE_FLOOR_MS = 20 * 60 * 1000;
/** A provider token dated in the future is not one Apple would accept either. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface ApnsStats {
  /** Distinct valid provider tokens presented (each re-mint adds one). */
  providerTokens: number;
  /** New provider tokens that arrived less than 20 minutes after the previous new one. */
  tokenUpdatesTooSoon: number;
  sends: number;
  accepted: number;
  rejected: number;
}

export interface ApnsFake {
  apiBase: string;
  keyId: string;
  teamId: string;
  bundleId: string;
  /** The .p8 key (PKCS#8 PEM, P-256) Outpost signs provider tokens with. */
  keyP8: string;
  scripts: ScriptBook;
  stats(): ApnsStats;
  /** Switches the 429 TooManyProviderTokenUpdates rule (on by default, as at Apple). */
  setTokenUpdateRule(enabled: boolean): void;
  tokenUpdateRuleEnabled(): boolean;
  /** Clears scripts, stats and the provider-token history (keys stay). */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_REASONS: Record<number, string> = {
  400: "BadDeviceToken",
  403: "Forbidden",
  404: "BadPath",
  405: "MethodNotAllowed",
  410: "Unregistered",
  413: "PayloadTooLarge",
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

function randomId(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join("");
}

/**
 * Fake APNs (token-based auth), over HTTP/1.1 because a Worker's fetch cannot speak h2 to
 * loopback: it stands for the HTTP/2 relay route. Checks the provider token, headers and payload
 * the way Apple documents, and punishes re-minting provider tokens more often than every 20 min.
 */
export async function startApnsFake(options: {
  host: string;
  port: number;
  log: DeliveryLog;
  bundleId?: string;
  /** Existing key material to accept instead of a fresh key (`npm run dev` restarts). */
  credentials?: { keyP8: string; keyId: string; teamId: string };
}): Promise<ApnsFake> {
  let publicKey: CryptoKey | KeyObject;
  let keyP8: string;
  if (options.credentials) {
    keyP8 = options.credentials.keyP8;
    publicKey = createPublicKey(keyP8);
  } else {
    const pair = await generateKeyPair("ES256", { extractable: true });
    publicKey = pair.publicKey;
    keyP8 = await exportPKCS8(pair.privateKey);
  }
  const keyId = options.credentials?.keyId ?? randomId(10);
  const teamId = options.credentials?.teamId ?? randomId(10);
  const bundleId = options.bundleId ?? "com.example.outpost";
  const scripts = new ScriptBook();
  let stats: ApnsStats = { providerTokens: 0, tokenUpdatesTooSoon: 0, sends: 0, accepted: 0, rejected: 0 };
  let ruleEnabled = true;
  // Provider token → its iat (ms), once its signature and claims checked out: verifying ES256 per
  // push would make the fake the bottleneck of a 10,000-device benchmark.
  let verified = new Map<string, number>();
  let distinct = new Set<string>();
  let admitted = new Set<string>();
  let lastNewTokenAt: number | undefined;

  async function verifyProviderToken(jwt: string): Promise<number | "invalid"> {
    const cached = verified.get(jwt);
    if (cached !== undefined) return cached;
    try {
      const head = decodeProtectedHeader(jwt);
      if (head.alg !== "ES256" || head.kid !== keyId) return "invalid";
      const { payload } = await compactVerify(jwt, publicKey as CryptoKey, { algorithms: ["ES256"] });
      const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
      if (!isRecord(claims) || claims.iss !== teamId || typeof claims.iat !== "number") return "invalid";
      verified.set(jwt, claims.iat * 1000);
      return claims.iat * 1000;
    } catch {
      return "invalid";
    }
  }

  /** Returns the rejection reason (and status), or undefined when the provider token is usable. */
  async function checkAuthorization(
    req: IncomingMessage,
  ): Promise<{ status: number; reason: string } | undefined> {
    const auth = header(req, "authorization");
    if (!auth) return { status: 403, reason: "MissingProviderToken" };
    const match = /^bearer\s+(\S+)$/i.exec(auth);
    if (!match?.[1]) return { status: 403, reason: "InvalidProviderToken" };
    const jwt = match[1];
    const iat = await verifyProviderToken(jwt);
    const now = Date.now();
    if (iat === "invalid" || iat > now + CLOCK_SKEW_MS)
      return { status: 403, reason: "InvalidProviderToken" };
    if (now - iat > TOKEN_MAX_AGE_MS) return { status: 403, reason: "ExpiredProviderToken" };
    if (admitted.has(jwt)) return undefined;
    distinct.add(jwt);
    stats.providerTokens = distinct.size;
    if (lastNewTokenAt !== undefined && now - lastNewTokenAt < TOKEN_UPDATE_FLOOR_MS) {
      stats.tokenUpdatesTooSoon++;
      if (ruleEnabled) {
        console.warn("[fakes] APNs: new provider token less than 20 minutes after the previous one → 429");
        return { status: 429, reason: "TooManyProviderTokenUpdates" };
      }
    }
    admitted.add(jwt);
    lastNewTokenAt = now;
    return undefined;
  }

  async function send(req: IncomingMessage, res: ServerResponse, deviceToken: string): Promise<void> {
    stats.sends++;
    const requestedId = header(req, "apns-id");
    const apnsId = requestedId ?? randomUUID();
    const reject = (status: number, reason: string, extra: Record<string, unknown> = {}, headers = {}) => {
      stats.rejected++;
      const text = JSON.stringify({ reason, ...extra });
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        "apns-id": apnsId,
        ...headers,
      });
      res.end(text);
    };
    const body = await readBody(req, 64 * 1024);
    const authProblem = await checkAuthorization(req);
    if (authProblem) return reject(authProblem.status, authProblem.reason);
    const headers = Object.fromEntries(APNS_HEADERS.map((name) => [name, header(req, name)]));
    const check = checkApnsRequest(deviceToken, headers, body, bundleId);
    if (!check.ok) return reject(check.status, check.reason);
    const scripted: ScriptedResponse | undefined = scripts.next(deviceToken);
    if (scripted && scripted.status >= 300) {
      const reason = scripted.reason ?? DEFAULT_REASONS[scripted.status] ?? "InternalServerError";
      const extra = scripted.status === 410 ? { timestamp: scripted.timestamp ?? Date.now() } : {};
      const retry = scripted.retryAfter !== undefined ? { "retry-after": String(scripted.retryAfter) } : {};
      return reject(scripted.status, reason, extra, retry);
    }
    stats.accepted++;
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) kept[name] = value;
    options.log.add({
      provider: "apns",
      token: deviceToken,
      headers: kept,
      payload: check.payload,
      summary: check.summary,
    });
    res.writeHead(200, { "apns-id": apnsId, "apns-unique-id": randomUUID(), "content-length": 0 });
    res.end();
  }

  const server = createServer(
    guarded(async (req, res) => {
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      const match = /^\/3\/device\/([^/]+)$/.exec(path);
      const fail = (status: number, reason: string) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ reason }));
      };
      if (!match) return fail(404, "BadPath");
      if (req.method !== "POST") return fail(405, "MethodNotAllowed");
      return send(req, res, decodeURIComponent(match[1] ?? ""));
    }),
  );
  const apiBase = await listen(server, options.host, options.port);

  return {
    apiBase,
    keyId,
    teamId,
    bundleId,
    keyP8,
    scripts,
    stats: () => ({ ...stats }),
    setTokenUpdateRule: (enabled) => {
      ruleEnabled = enabled;
    },
    tokenUpdateRuleEnabled: () => ruleEnabled,
    reset: () => {
      scripts.clear();
      stats = { providerTokens: 0, tokenUpdatesTooSoon: 0, sends: 0, accepted: 0, rejected: 0 };
      verified = new Map();
      distinct = new Set();
      admitted = new Set();
      lastNewTokenAt = undefined;
    },
    close: () => closeServer(server),
  };
}
