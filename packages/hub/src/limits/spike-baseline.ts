/** Five-minute windows in a day: the baseline's weights halve over this many. */
const WINDOWS_PER_DAY = 288;

/** Five-minute windows in an hour, over which an hour's total is spread. */
const WINDOWS_PER_HOUR = 12;

const HOUR_MS = 3_600_000;

/**
 * The weight of the newest five minutes in a key's baseline: an exponentially
 * weighted mean of its calls per five minutes whose weights halve in a day.
 */
export const BASELINE_ALPHA = 1 - 2 ** (-1 / WINDOWS_PER_DAY);

/** The hours of history a seed reads: a week, after which weights have halved seven times. */
export const SEED_HOURS = 7 * 24;

/** A key's calls in one clock hour, as the hourly usage totals hold them. */
export interface HourlyCalls {
  /** The start of the hour. */
  readonly hour: Date;
  readonly calls: number;
}

/**
 * The baseline a key starts from when this process first sees it: the same
 * weighted mean the detector learns in memory, computed over the hourly totals
 * of the `SEED_HOURS` hours before the one holding `now`. Each hour's calls
 * are spread evenly over its twelve windows; an hour without a total counts as
 * none. The hour holding `now` is left out (its total holds the calls being
 * judged), and the windows of it before `now` are taken to be at the baseline,
 * which leaves the mean as it is.
 *
 * Window i before the hour (i = 1 the latest) weighs α(1 − α)^(i−1), so hour k
 * before it (k = 1 the latest) weighs (1 − q) q^(k−1) / 12 per call, with
 * q = (1 − α)^12 = 2^(−1/24). A steady r calls per five minutes for the week
 * gives r (1 − q^168) = r (1 − 2^−7), what the detector would have learnt from
 * seeing them; no history gives 0.
 *
 * @example
 * // 120 calls in the hour before the current one: 10 × (1 − 2^(−1/24)) ≈ 0.2847.
 * seedBaseline([{ hour: new Date("2026-03-01T11:00:00Z"), calls: 120 }], new Date("2026-03-01T12:02:00Z"));
 */
export function seedBaseline(hours: readonly HourlyCalls[], now: Date): number {
  const current = Math.floor(now.getTime() / HOUR_MS);
  const q = (1 - BASELINE_ALPHA) ** WINDOWS_PER_HOUR;
  let baseline = 0;
  for (const { hour, calls } of hours) {
    const k = current - Math.floor(hour.getTime() / HOUR_MS);
    if (k >= 1 && k <= SEED_HOURS && calls > 0) {
      baseline += (calls / WINDOWS_PER_HOUR) * (1 - q) * q ** (k - 1);
    }
  }
  return baseline;
}
