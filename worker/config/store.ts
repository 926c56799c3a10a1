import type { Db } from "../db/client";
import { getLatestConfig, insertConfigRevision, insertConfigRevisionIf } from "./queries";
import { EMPTY_CONFIG, type RemoteConfig } from "./schema";

/**
 * The live remote config, cached per isolate. A copy is served for at most CONFIG_TTL_MS after
 * it was read from D1, so a change reaches every isolate within that time (the contract allows
 * 60 s; half of it leaves room for slow requests). The isolate that stores a change replaces its
 * copy at once. Steady state: no D1 round trip per request. Concurrent misses each read D1:
 * sharing one in-flight read across requests makes workerd refuse the waiting requests' later
 * I/O ("Cannot perform I/O on behalf of a different request").
 */
export const CONFIG_TTL_MS = 30_000;

interface LiveConfig {
  config: RemoteConfig;
  /** 0 before the first admin PUT. */
  revision: number;
  updatedAt: number | null;
}

interface Cached {
  value: LiveConfig;
  fetchedAt: number;
}

let cached: Cached | null = null;

async function loadFromD1(db: Db): Promise<LiveConfig> {
  const row = await getLatestConfig(db);
  if (!row) return { config: EMPTY_CONFIG, revision: 0, updatedAt: null };
  // Stored documents were validated on the way in; parsing them again here would cost per load only.
  return {
    config: JSON.parse(row.document) as RemoteConfig,
    revision: row.revision,
    updatedAt: row.createdAt,
  };
}

/**
 * The live config, from this isolate's cache when it is fresh enough. `fresh` skips the cache
 * (the admin read-back must show a PUT made on another instance a moment ago) and refreshes it.
 */
export async function getLiveConfig(db: Db, options: { fresh?: boolean } = {}): Promise<LiveConfig> {
  const now = Date.now();
  if (!options.fresh && cached && now - cached.fetchedAt < CONFIG_TTL_MS && now >= cached.fetchedAt) {
    return cached.value;
  }
  return load(db, now);
}

/** Reads D1 and caches the result (as of `started`, the conservative end of its age). */
async function load(db: Db, started: number): Promise<LiveConfig> {
  const value = await loadFromD1(db);
  // A PUT in this isolate may have landed while this read was in flight: keep the newer one.
  if (!cached || value.revision >= cached.value.revision) cached = { value, fetchedAt: started };
  return value;
}

/**
 * Stores a validated config as a new revision and makes it live in this isolate immediately.
 * With `expectedRevision`, only if that is still the live revision (else null: someone else
 * changed it first).
 */
export async function putLiveConfig(
  db: Db,
  config: RemoteConfig,
  expectedRevision?: number,
): Promise<LiveConfig | null> {
  const document = JSON.stringify(config);
  const now = Date.now();
  const row =
    expectedRevision === undefined
      ? await insertConfigRevision(db, document, now)
      : await insertConfigRevisionIf(db, document, now, expectedRevision);
  if (!row) return null;
  const value: LiveConfig = { config, revision: row.revision, updatedAt: row.createdAt };
  cached = { value, fetchedAt: Date.now() };
  return value;
}
