import { sql } from "kysely";
import type { Db } from "../store/index.js";
import type { SignalSubjectKind } from "./signal-kinds.js";
import { SEED_HOURS, seedBaseline } from "./spike-baseline.js";
import { hourBucket } from "./usage-rollups.js";

const HOUR_MS = 3_600_000;

/**
 * The spike baseline of a token or a web-session user, seeded from its hourly
 * usage totals of the week before the hour holding `now` (see `seedBaseline`),
 * in one query served by the rollups' `usage_rollups_token` or
 * `usage_rollups_user` index. A user's totals are those of its calls without a
 * token, as its key counts only those. The totals hold the calls of every hub
 * sharing the database.
 */
export async function readSpikeBaseline(
  db: Db,
  subjectKind: Exclude<SignalSubjectKind, "address">,
  subject: string,
  now: Date,
): Promise<number> {
  const until = hourBucket(now);
  const since = hourBucket(new Date(now.getTime() - SEED_HOURS * HOUR_MS));
  let query = db
    .selectFrom("usage_rollups")
    .select(["bucket", sql<string | number>`sum(requests)`.as("calls")])
    .where("period", "=", "hour");
  query =
    subjectKind === "token"
      ? query.where("token_id", "=", subject)
      : query.where("user_id", "=", subject).where("token_id", "=", "");
  const rows = await query
    .where("bucket", ">=", since)
    .where("bucket", "<", until)
    .groupBy("bucket")
    .execute();
  return seedBaseline(
    rows.map((r) => ({ hour: new Date(r.bucket), calls: Number(r.calls) })),
    now,
  );
}
