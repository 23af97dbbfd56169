import { runPeriodically, type Clock } from "../clock/index.js";
import type { Db } from "../store/index.js";
import { dayBucket, hourBucket } from "./usage-rollups.js";

const DAY_MS = 86_400_000;

/** How long usage data is kept, in days. */
export interface UsageRetention {
  /** Raw records (with their origins) and hourly totals. */
  readonly retentionDays: number;
  /** Daily totals. */
  readonly rollupRetentionDays: number;
}

/** What a pruning pass removed. */
export interface UsagePruned {
  readonly records: number;
  readonly hourly: number;
  readonly daily: number;
}

/**
 * Deletes usage data older than its retention as of `now`: raw records, their
 * origins and hourly totals after `retentionDays`, daily totals after
 * `rollupRetentionDays`. Buckets are cut at whole hours and days, so a total
 * is kept or removed whole. Origins go first, in the same transaction, so
 * none outlives its record.
 */
export async function pruneUsage(
  db: Db,
  now: Date,
  retention: UsageRetention,
): Promise<UsagePruned> {
  const rawCutoff = new Date(now.getTime() - retention.retentionDays * DAY_MS);
  const rollupCutoff = new Date(now.getTime() - retention.rollupRetentionDays * DAY_MS);
  return db.transaction().execute(async (trx) => {
    const before = rawCutoff.toISOString();
    await trx
      .deleteFrom("usage_origins")
      .where("record_id", "in", (eb) =>
        eb.selectFrom("usage_records").select("id").where("at", "<", before),
      )
      .execute();
    const records = await trx
      .deleteFrom("usage_records")
      .where("at", "<", before)
      .executeTakeFirst();
    const hourly = await trx
      .deleteFrom("usage_rollups")
      .where("period", "=", "hour")
      .where("bucket", "<", hourBucket(rawCutoff))
      .executeTakeFirst();
    const daily = await trx
      .deleteFrom("usage_rollups")
      .where("period", "=", "day")
      .where("bucket", "<", dayBucket(rollupCutoff))
      .executeTakeFirst();
    return {
      records: Number(records.numDeletedRows),
      hourly: Number(hourly.numDeletedRows),
      daily: Number(daily.numDeletedRows),
    };
  });
}

/** The first pass comes this soon after start, so a hub restarted more often than `intervalMs` still prunes. */
const FIRST_PASS_MS = 60_000;

/**
 * Runs `pruneUsage` a minute after start and then every `intervalMs`, by
 * `clock`, on timers that do not keep the process alive; failures go to
 * `onError` and the next pass tries again. Returns the function that stops it.
 */
export function startUsagePruning(
  db: Db,
  clock: Clock,
  retention: UsageRetention,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => void {
  return runPeriodically(
    () => pruneUsage(db, clock.now(), retention),
    Math.min(FIRST_PASS_MS, intervalMs),
    intervalMs,
    onError,
  );
}
