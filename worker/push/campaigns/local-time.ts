/**
 * Wall-clock arithmetic for `localTime` campaigns, using only `Intl.DateTimeFormat` offset
 * lookups (no tz database of our own), so it follows whatever zone rules the runtime ships.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows `timeZone` (an IANA name such as `Europe/Zurich`). */
function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone a device is scheduled in: its own when valid, else UTC. */
export function scheduleZone(timeZone: string | null | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : "UTC";
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at `instant`, in ms (Zurich in summer: +7,200,000). */
export function zoneOffset(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in a zone. Inside a DST gap (the time does not exist)
 * it lands as far after the gap's start as the time was (02:30 on a spring-forward night → 03:30);
 * inside an overlap (the time happens twice) it is the first occurrence. Both as Temporal's
 * `"compatible"` disambiguation.
 */
export function localToInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Zones change offset at most once in any two days, so the offsets a day before and after
  // are the only two candidates.
  const before = zoneOffset(wall - DAY_MS, timeZone);
  const after = zoneOffset(wall + DAY_MS, timeZone);
  const valid = [wall - before, wall - after].filter((u) => zoneOffset(u, timeZone) === wall - u);
  if (valid.length > 0) return Math.min(...valid);
  return wall - before;
}

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` (24-hour) → [hour, minute], or null. */
export function parseLocalTime(value: string): [number, number] | null {
  const m = LOCAL_TIME.exec(value);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * The next instant (ms) at or after `now` when the wall clock in `timeZone` reads `localTime`.
 * An unknown zone counts as UTC.
 */
export function nextLocalOccurrence(localTime: string, timeZone: string, now: number): number {
  const hm = parseLocalTime(localTime);
  if (!hm) throw new RangeError(`invalid local time: ${localTime}`);
  const zone = scheduleZone(timeZone);
  const today = wallClock(now, zone);
  // Today, tomorrow, and the day after (a gap can push "today" past now only by the gap's length).
  for (let i = 0; i < 3; i++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const at = localToInstant(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      hm[0],
      hm[1],
      zone,
    );
    if (at >= now) return at;
  }
  throw new RangeError("no local occurrence within three days");
}
