/** The lengths of windows a limit may count over. */
export type LimitPeriod = "second" | "minute" | "hour" | "day" | "month";

/** One window of a period: [startMs, endMs), and its nominal length for `RateLimit-Policy`'s `w`. */
export interface LimitWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly windowSeconds: number;
}

const FIXED_MS: Partial<Record<LimitPeriod, number>> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
};

/** A day and a month as `w` shows them; a calendar day may last 23 or 25 hours and a month 28 to 31 days. */
const NOMINAL_SECONDS: Record<LimitPeriod, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  month: 30 * 86_400,
};

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
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

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** The local wall-clock time read as if it were UTC, in ms. */
  readonly asUtcMs: number;
}

function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type !== "literal") {
      parts[part.type] = Number(part.value);
    }
  }
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  const asUtcMs =
    Date.UTC(year, month - 1, day, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) +
    (((ms % 1000) + 1000) % 1000);
  return { year, month, day, asUtcMs };
}

/** The wall-clock time of `timeZone` at `ms`, read as if it were UTC, in ms. */
export function wallClockMs(ms: number, timeZone: string): number {
  return localTime(ms, timeZone).asUtcMs;
}

/** The zone's offset from UTC at `ms`, in ms (+8 h for Asia/Shanghai). */
function offsetMs(ms: number, timeZone: string): number {
  return localTime(ms, timeZone).asUtcMs - ms;
}

/**
 * The first instant of the local calendar date year-month-day in `timeZone`.
 * Usually local midnight; where a daylight-saving change skips midnight
 * (clocks jumping from 23:59:59 to 01:00), the instant of the jump; where
 * midnight happens twice, the first. Month and day may overflow (month 13 is
 * January of the next year), as with Date.UTC.
 */
function startOfLocalDate(year: number, month: number, day: number, timeZone: string): number {
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  const want = new Date(midnightAsUtc);
  // The offset at the start of a day is one of the offsets near it; try those of the day before and after too.
  const candidates = new Set<number>();
  for (const probe of [midnightAsUtc - DAY_MS, midnightAsUtc, midnightAsUtc + DAY_MS]) {
    const first = midnightAsUtc - offsetMs(probe, timeZone);
    candidates.add(first);
    candidates.add(midnightAsUtc - offsetMs(first, timeZone));
  }
  let best: number | undefined;
  for (const candidate of candidates) {
    const local = localTime(candidate, timeZone);
    const sameDate =
      local.year === want.getUTCFullYear() &&
      local.month === want.getUTCMonth() + 1 &&
      local.day === want.getUTCDate();
    if (sameDate && (best === undefined || candidate < best)) {
      best = candidate;
    }
  }
  if (best === undefined) {
    throw new RangeError(`no start found for ${want.toISOString().slice(0, 10)} in ${timeZone}`);
  }
  return best;
}

/** Whether `timeZone` is an IANA time zone this Node knows (Asia/Shanghai, Europe/Berlin, UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The window of `period` that `nowMs` falls in. Seconds, minutes and hours
 * are fixed windows aligned to the epoch; days and months are calendar days
 * and months in `timeZone` (UTC when none is given), so a daily quota in
 * Asia/Shanghai renews at midnight there, and a day with a daylight-saving
 * change lasts 23 or 25 hours.
 *
 * @example limitWindow("day", Date.parse("2026-12-02T03:00:00Z"), "Asia/Shanghai")
 *   // { startMs: Date.parse("2026-12-01T16:00:00Z"), endMs: Date.parse("2026-12-02T16:00:00Z"), windowSeconds: 86400 }
 */
export function limitWindow(period: LimitPeriod, nowMs: number, timeZone = "UTC"): LimitWindow {
  const windowSeconds = NOMINAL_SECONDS[period];
  const fixed = FIXED_MS[period];
  if (fixed !== undefined) {
    const startMs = Math.floor(nowMs / fixed) * fixed;
    return { startMs, endMs: startMs + fixed, windowSeconds };
  }
  if (!isTimeZone(timeZone)) {
    throw new RangeError(`"${timeZone}" is not an IANA time zone, such as Europe/Berlin or UTC`);
  }
  const local = localTime(nowMs, timeZone);
  if (period === "day") {
    return {
      startMs: startOfLocalDate(local.year, local.month, local.day, timeZone),
      endMs: startOfLocalDate(local.year, local.month, local.day + 1, timeZone),
      windowSeconds,
    };
  }
  return {
    startMs: startOfLocalDate(local.year, local.month, 1, timeZone),
    endMs: startOfLocalDate(local.year, local.month + 1, 1, timeZone),
    windowSeconds,
  };
}
