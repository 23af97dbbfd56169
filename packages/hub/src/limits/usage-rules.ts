import { wallClockMs } from "./limit-windows.js";
import {
  WEEKDAYS,
  type Endpoint,
  type LimitSpec,
  type Protocol,
  type Weekday,
} from "./limit-spec.js";

/** What a call is, as far as a function rule can tell. */
export interface CallFunction {
  readonly protocol: Protocol;
  readonly endpoint: Endpoint;
  /** Rows along the batch dimension of an inference call; 0 for the other endpoints. */
  readonly rows: number;
  /** Whether the call uses the binary tensor extension. */
  readonly binaryTensors: boolean;
}

type Hours = NonNullable<LimitSpec["hours"]>;
type Functions = NonNullable<LimitSpec["functions"]>;

const minuteOf = (time: string): number =>
  Number.parseInt(time.slice(0, 2), 10) * 60 + Number.parseInt(time.slice(3, 5), 10);

const clock = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/** The weekday and minute of the day of `at` on the wall clocks of `timeZone`. */
export function localTime(at: Date, timeZone: string): { day: Weekday; minute: number } {
  const wall = new Date(wallClockMs(at.getTime(), timeZone));
  return {
    // getUTCDay counts from Sunday; WEEKDAYS from Monday.
    day: WEEKDAYS[(wall.getUTCDay() + 6) % 7] ?? "mon",
    minute: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
  };
}

const dayBefore = (day: Weekday): Weekday =>
  WEEKDAYS[(WEEKDAYS.indexOf(day) + WEEKDAYS.length - 1) % WEEKDAYS.length] ?? day;

/**
 * Why `hours` refuses a call at `at`, or null when it falls inside: from
 * `from` (inclusive) to `to` (exclusive) on each of `days` (every day when
 * absent), local time in `timeZone`. A `to` before `from` runs past midnight
 * into the next day.
 */
export function hoursRefusal(hours: Hours, at: Date): string | null {
  const { day, minute } = localTime(at, hours.timeZone);
  const from = minuteOf(hours.from);
  const to = minuteOf(hours.to);
  const onDay = (d: Weekday) => hours.days === undefined || hours.days.includes(d);
  const inside =
    from < to
      ? onDay(day) && minute >= from && minute < to
      : (onDay(day) && minute >= from) || (onDay(dayBefore(day)) && minute < to);
  if (inside) {
    return null;
  }
  const days = hours.days === undefined ? "every day" : hours.days.join(", ");
  return `calls are allowed ${days} from ${hours.from} to ${hours.to} ${hours.timeZone}, and it is ${day} ${clock(minute)} there`;
}

/** Why `functions` refuses `call`, or null when it allows it. */
export function functionRefusal(functions: Functions, call: CallFunction): string | null {
  if (functions.protocols !== undefined && !functions.protocols.includes(call.protocol)) {
    return `only the protocols ${functions.protocols.join(", ")} may be used, not ${call.protocol}`;
  }
  if (functions.endpoints !== undefined && !functions.endpoints.includes(call.endpoint)) {
    return `only the endpoints ${functions.endpoints.join(", ")} may be called, not ${call.endpoint}`;
  }
  if (functions.maxBatch !== undefined && call.rows > functions.maxBatch) {
    return `a call may carry at most ${functions.maxBatch} rows, and this one carries ${call.rows}`;
  }
  if (functions.binaryTensors === false && call.binaryTensors) {
    return "the binary tensor extension may not be used; send the tensors as JSON";
  }
  return null;
}
