import { nextLocalOccurrence, scheduleZone } from "./local-time";

/**
 * When a campaign's parts go out. A campaign without `localTime` has one bucket (`*`) firing at
 * `sendAt` (or now); a `localTime` campaign has one bucket per device timezone, each firing at the
 * next occurrence of that wall-clock time in the zone, not before `sendAt` when both are given.
 * Devices without a (valid) timezone are scheduled in UTC.
 */

const ALL_DEVICES_BUCKET = "*";

interface ScheduleSpec {
  sendAt: number | null;
  localTime: string | null;
}

interface Bucket {
  key: string;
  fireAt: number;
}

/** The ledger bucket a device belongs to for this campaign. */
export function bucketKeyFor(spec: ScheduleSpec, timezone: string | null): string {
  return spec.localTime ? scheduleZone(timezone) : ALL_DEVICES_BUCKET;
}

/** The earliest moment the campaign may go out at all. */
export function notBefore(spec: ScheduleSpec, now: number): number {
  return Math.max(now, spec.sendAt ?? now);
}

/**
 * When the campaign's Durable Object first wakes: a plain campaign resolves its targets when it
 * is due (so devices registered meanwhile count); a local-time one right away, because its
 * buckets come from the targeted devices' zones.
 */
export function firstWakeAt(spec: ScheduleSpec, now: number): number {
  return spec.localTime ? now : notBefore(spec, now);
}

/** The status answered at creation. */
export function initialStatus(spec: ScheduleSpec, now: number): "scheduled" | "sending" {
  return spec.localTime || (spec.sendAt !== null && spec.sendAt > now) ? "scheduled" : "sending";
}

/** Buckets for the zones the targeted devices are in (bucket keys as `bucketKeyFor` made them). */
export function planBuckets(spec: ScheduleSpec, keys: Iterable<string>, now: number): Bucket[] {
  const start = notBefore(spec, now);
  // A plain campaign always has its one bucket, even with nobody in it: it completes on time.
  if (!spec.localTime) return [{ key: ALL_DEVICES_BUCKET, fireAt: start }];
  const out: Bucket[] = [];
  for (const key of new Set(keys)) {
    out.push({ key, fireAt: nextLocalOccurrence(spec.localTime, key, start) });
  }
  return out.sort((a, b) => a.fireAt - b.fireAt || (a.key < b.key ? -1 : 1));
}
