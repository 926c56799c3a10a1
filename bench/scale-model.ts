/**
 * A load model for docs/scale.md: from an app's size and habits to D1 size growth, the primary's
 * write load, the busiest space's load and a broadcast campaign's fan-out time — and the point at
 * which each limit is reached. Pure arithmetic over figures measured here (named beside each
 * constant) and platform limits (Cloudflare's docs, as listed in docs/scale.md); no I/O.
 *
 *   npx tsx bench/scale-model.ts                                  # the defaults: a 100k-user app
 *   npx tsx bench/scale-model.ts users=1000000 recordsPerUser=2000 peakFactor=5
 *
 * Every `ScaleInput` field can be given as `name=value`; so can the capacities (`d1WriteBatchesPerSecond`,
 * `spacePushesPerSecond`, `providerLatencyMs`, `queueConcurrency`), which are the assumptions the
 * local machine cannot settle.
 */
import { pathToFileURL } from "node:url";

/** Bytes per row in D1, table plus its indexes (`bash bench/scale-bytes.sh 1000 200`, 4 KiB pages). */
export const BYTES = {
  /** One synced record (tasks and notes mixed 4:1, 214 B of JSON value on average). */
  record: 551,
  /** Per user: users 176 + identities 311 + personal space 184 + its membership 254. */
  perUser: 176 + 311 + 184 + 254,
  /** Per device: devices 504 + one topic 117 + session 244 + sync client 307 + silent-push log 96. */
  perDevice: 504 + 117 + 244 + 307 + 96,
  /** One spent refresh token (one per refresh, kept while its session lives). */
  refreshToken: 324,
  /** One inbox entry (one per user per visible campaign; kept). */
  inbox: 297,
  /** One delivery-ledger row (one per device per campaign; purged 90 days after the campaign). */
  delivery: 309,
} as const;

export const LIMITS = {
  /** D1: maximum database size, Workers Paid (D1 limits page). */
  d1DatabaseBytes: 10 * 1000 ** 3,
  /** Durable Objects: an object is single-threaded; Cloudflare documents a soft limit near 1,000 requests/s. */
  objectRequestsPerSecond: 1_000,
  /** Workers: simultaneous open connections per invocation (our consumer's MAX_IN_FLIGHT). */
  inFlightPerInvocation: 6,
  /** Delivery-ledger retention (worker/ops/purge/settings.ts, PUSH_LEDGER_RETENTION_DAYS default). */
  ledgerRetentionDays: 90,
  /** Devices claimed per wave by the push consumer (queue-consumer.ts WAVE_SIZE): 2 D1 batches each. */
  waveSize: 30,
} as const;

export interface ScaleInput {
  /** Registered users. */
  users: number;
  /** Share of users active on a given day. */
  dailyActiveShare: number;
  /** Live synced records per user (tombstones live 30 days more; not counted). */
  recordsPerUser: number;
  /** Mutations per active user per day. */
  writesPerUserPerDay: number;
  /** Mutations per push (the SDK batches what queued offline; 1 is the worst case). */
  mutationsPerPush: number;
  /** Peak hour's rate over the day's average rate. */
  peakFactor: number;
  /** Devices per user. */
  devicesPerUser: number;
  /** Token refreshes per active device per day (access tokens live 15 minutes). */
  refreshesPerDevicePerDay: number;
  /** How long spent refresh tokens stay (today: as long as their session, which refreshing keeps alive). */
  refreshRetentionDays: number;
  /** Broadcast campaigns per week, each to every device (and one inbox entry per user). */
  campaignsPerWeek: number;
  /** Days the app has run (inbox entries are never purged today). */
  ageDays: number;
  /** Members of the busiest shared space, and their writes per member per day in it. */
  hotSpaceMembers: number;
  hotSpaceWritesPerMemberPerDay: number;
  /** Assumed D1 primary capacity in write batches/s (not measurable locally; see docs/scale.md). */
  d1WriteBatchesPerSecond: number;
  /** Pushes/s one space's object sustains (measured locally: 135–145 with 20 clients, bench Sync). */
  spacePushesPerSecond: number;
  /** Provider (APNs/FCM) round trip per push, ms (assumption; notes report APNs sends of 169–585 ms). */
  providerLatencyMs: number;
  /** Concurrent queue consumer invocations (Queues' maximum, and the default max_concurrency). */
  queueConcurrency: number;
}

export const DEFAULTS: ScaleInput = {
  users: 100_000,
  dailyActiveShare: 0.2,
  recordsPerUser: 200,
  writesPerUserPerDay: 30,
  mutationsPerPush: 1,
  peakFactor: 3,
  devicesPerUser: 2,
  refreshesPerDevicePerDay: 4,
  refreshRetentionDays: 365,
  campaignsPerWeek: 2,
  ageDays: 365,
  hotSpaceMembers: 50,
  hotSpaceWritesPerMemberPerDay: 200,
  d1WriteBatchesPerSecond: 1_000,
  spacePushesPerSecond: 140,
  providerLatencyMs: 200,
  queueConcurrency: 250,
};

const DAY = 86_400;

export interface ScaleReport {
  /** D1 bytes by kind and in total. */
  bytes: {
    records: number;
    usersAndDevices: number;
    refreshTokens: number;
    inbox: number;
    ledger: number;
    total: number;
  };
  bytesPerUser: number;
  /** Users one 10 GB database holds at this profile. */
  usersPerDatabase: number;
  /** D1 databases needed for `users` (shards). */
  databasesNeeded: number;
  /** Peak primary write batches/s without a campaign, and its share of the assumed capacity. */
  peakWriteBatchesPerSecond: number;
  writeLoadShare: number;
  /** Users at which the peak write load reaches the assumed capacity of one database. */
  usersAtWriteLimit: number;
  /** The same peak per database once users are spread over `databasesNeeded` shards. */
  peakWriteBatchesPerSecondPerDatabase: number;
  /** Which limit a single database meets first as users grow, and at how many users. */
  firstLimit: { limit: "size" | "writes"; users: number };
  /** The busiest space at peak: pushes/s, and its share of what one object sustains. */
  hotSpacePushesPerSecond: number;
  hotSpaceLoadShare: number;
  /** Members (at this habit) at which the busiest space saturates its object. */
  hotSpaceMembersAtLimit: number;
  /** A broadcast campaign: devices, deliveries/s, seconds, and the extra D1 write batches/s it adds. */
  campaign: { devices: number; deliveriesPerSecond: number; seconds: number; ledgerBatchesPerSecond: number };
}

export function scaleModel(input: ScaleInput): ScaleReport {
  const i = input;
  const devices = i.users * i.devicesPerUser;
  const activeDevices = devices * i.dailyActiveShare;
  const campaigns = (i.campaignsPerWeek * i.ageDays) / 7;
  const ledgerCampaigns = (i.campaignsPerWeek * Math.min(i.ageDays, LIMITS.ledgerRetentionDays)) / 7;

  const bytes = {
    records: i.users * i.recordsPerUser * BYTES.record,
    usersAndDevices: i.users * BYTES.perUser + devices * BYTES.perDevice,
    refreshTokens:
      activeDevices *
      i.refreshesPerDevicePerDay *
      Math.min(i.ageDays, i.refreshRetentionDays) *
      BYTES.refreshToken,
    inbox: i.users * campaigns * BYTES.inbox,
    ledger: devices * ledgerCampaigns * BYTES.delivery,
    total: 0,
  };
  bytes.total = bytes.records + bytes.usersAndDevices + bytes.refreshTokens + bytes.inbox + bytes.ledger;
  const bytesPerUser = i.users > 0 ? bytes.total / i.users : 0;
  const usersPerDatabase = bytesPerUser > 0 ? Math.floor(LIMITS.d1DatabaseBytes / bytesPerUser) : Infinity;

  // Every push is one D1 batch (pushes to one space that queue behind a commit share one; across
  // spaces nothing merges, so one per push is the honest upper bound). Refreshes write once each;
  // so does a device registration, counted as one per refresh (an app launch does both).
  const pushesPerDay = (i.users * i.dailyActiveShare * i.writesPerUserPerDay) / i.mutationsPerPush;
  const writesPerDay = pushesPerDay + 2 * activeDevices * i.refreshesPerDevicePerDay;
  const peakWriteBatchesPerSecond = (writesPerDay / DAY) * i.peakFactor;
  const writeLoadShare = peakWriteBatchesPerSecond / i.d1WriteBatchesPerSecond;
  const usersAtWriteLimit = writeLoadShare > 0 ? Math.floor(i.users / writeLoadShare) : Infinity;

  const hotPerMember = (i.hotSpaceWritesPerMemberPerDay / i.mutationsPerPush / DAY) * i.peakFactor;
  const hotSpacePushesPerSecond = i.hotSpaceMembers * hotPerMember;
  const hotCapacity = Math.min(i.spacePushesPerSecond, LIMITS.objectRequestsPerSecond);
  const hotSpaceLoadShare = hotSpacePushesPerSecond / hotCapacity;
  const hotSpaceMembersAtLimit = hotPerMember > 0 ? Math.floor(hotCapacity / hotPerMember) : Infinity;

  // Each consumer invocation keeps 6 sends in flight; each send takes one provider round trip.
  const deliveriesPerSecond =
    i.queueConcurrency * LIMITS.inFlightPerInvocation * (1000 / i.providerLatencyMs);
  const campaign = {
    devices,
    deliveriesPerSecond,
    seconds: devices / deliveriesPerSecond,
    ledgerBatchesPerSecond: (deliveriesPerSecond / LIMITS.waveSize) * 2,
  };

  const databasesNeeded = Math.max(1, Math.ceil(bytes.total / LIMITS.d1DatabaseBytes));
  return {
    bytes,
    bytesPerUser,
    usersPerDatabase,
    databasesNeeded,
    peakWriteBatchesPerSecond,
    writeLoadShare,
    usersAtWriteLimit,
    peakWriteBatchesPerSecondPerDatabase: peakWriteBatchesPerSecond / databasesNeeded,
    firstLimit:
      usersPerDatabase <= usersAtWriteLimit
        ? { limit: "size", users: usersPerDatabase }
        : { limit: "writes", users: usersAtWriteLimit },
    hotSpacePushesPerSecond,
    hotSpaceLoadShare,
    hotSpaceMembersAtLimit,
    campaign,
  };
}

/** `name=value` arguments over the defaults; unknown names and non-numbers are errors. */
export function parseArgs(args: readonly string[], base: ScaleInput = DEFAULTS): ScaleInput {
  const out: ScaleInput = { ...base };
  for (const arg of args) {
    const [name, raw] = arg.split("=", 2);
    const value = Number(raw);
    if (!name || !(name in out) || raw === undefined || !Number.isFinite(value) || value < 0) {
      throw new Error(`expected name=number with name one of ${Object.keys(base).join(", ")}; got "${arg}"`);
    }
    out[name as keyof ScaleInput] = value;
  }
  return out;
}

const n = (x: number, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits }) : "never";
const gb = (x: number) => `${(x / 1000 ** 3).toFixed(2)} GB`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatReport(input: ScaleInput, r: ScaleReport): string {
  const b = r.bytes;
  return [
    `Outpost scale model: ${n(input.users)} users, ${n(input.recordsPerUser)} records each, ` +
      `${input.writesPerUserPerDay} writes per active user per day, ${pct(input.dailyActiveShare)} daily active, peak ×${input.peakFactor}`,
    "",
    "D1 size",
    `  records ${gb(b.records)}, users+devices ${gb(b.usersAndDevices)}, refresh tokens ${gb(b.refreshTokens)}, ` +
      `inbox ${gb(b.inbox)}, push ledger ${gb(b.ledger)}`,
    `  total ${gb(b.total)} (${n(r.bytesPerUser)} B per user): one 10 GB database holds ${n(r.usersPerDatabase)} users; ` +
      `${r.databasesNeeded} database(s) needed`,
    "D1 primary writes (one primary per database)",
    `  peak ${n(r.peakWriteBatchesPerSecond, 1)} write batches/s = ${pct(r.writeLoadShare)} of an assumed ${n(input.d1WriteBatchesPerSecond)}/s; ` +
      `limit reached at ${n(r.usersAtWriteLimit)} users; ${n(r.peakWriteBatchesPerSecondPerDatabase, 1)}/s per database over ${r.databasesNeeded}`,
    `  first limit of one database: ${r.firstLimit.limit} at ${n(r.firstLimit.users)} users`,
    "Busiest space (one SyncSpace object)",
    `  ${n(input.hotSpaceMembers)} members × ${input.hotSpaceWritesPerMemberPerDay} writes/day: peak ${n(r.hotSpacePushesPerSecond, 2)} pushes/s = ` +
      `${pct(r.hotSpaceLoadShare)} of ${n(Math.min(input.spacePushesPerSecond, LIMITS.objectRequestsPerSecond))}/s; ` +
      `limit reached at ${n(r.hotSpaceMembersAtLimit)} members`,
    "Broadcast campaign (queue fan-out)",
    `  ${n(r.campaign.devices)} devices at ${n(r.campaign.deliveriesPerSecond)} deliveries/s ` +
      `(${input.queueConcurrency} consumers × ${LIMITS.inFlightPerInvocation} in flight / ${input.providerLatencyMs} ms): ` +
      `${n(r.campaign.seconds)} s; ledger adds ${n(r.campaign.ledgerBatchesPerSecond)} D1 write batches/s while it runs`,
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const input = parseArgs(process.argv.slice(2));
  console.log(formatReport(input, scaleModel(input)));
}
