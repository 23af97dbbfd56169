import { sql } from "kysely";
import type { Db } from "../store/index.js";
import { newId } from "../store/index.js";
import type { UsageEntry } from "./usage-entry.js";
import { sumRollups } from "./usage-rollups.js";

/**
 * Rows per insert statement: 14 columns × 500 stays far below SQLite's 32,766
 * bound parameters and PostgreSQL's 65,535.
 */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * Writes a batch of usage entries in one transaction: the records, their
 * erasable origins, and the hourly and daily totals they add to. Totals are
 * added in the database (`requests = requests + excluded.requests`), so hub
 * processes sharing one database sum exactly. Either all of a batch lands or
 * none of it, so a failed batch can be tried again whole.
 */
export async function writeUsage(db: Db, entries: readonly UsageEntry[]): Promise<void> {
  if (entries.length === 0) {
    return;
  }
  const records = entries.map((e) => ({ id: newId("ur"), entry: e }));
  await db.transaction().execute(async (trx) => {
    for (const part of chunks(records, ROWS_PER_STATEMENT)) {
      await trx
        .insertInto("usage_records")
        .values(
          part.map(({ id, entry: e }) => ({
            id,
            at: e.at.toISOString(),
            request_id: e.requestId,
            token_id: e.tokenId,
            user_id: e.userId,
            org_id: e.orgId,
            version_id: e.versionId,
            protocol: e.protocol,
            endpoint: e.endpoint,
            status: e.status,
            error_code: e.errorCode,
            batch_rows: e.rows,
            input_hash: e.inputHash,
            latency_ms: Math.round(e.latencyMs),
            prompt_tokens: e.tokens?.prompt ?? null,
            completion_tokens: e.tokens?.completion ?? null,
            ttft_ms:
              e.tokens === null || e.tokens.timeToFirstTokenMs === null
                ? null
                : Math.round(e.tokens.timeToFirstTokenMs),
          })),
        )
        .execute();
    }
    const origins = records.filter(({ entry: e }) => e.address !== null || e.userAgent !== null);
    for (const part of chunks(origins, ROWS_PER_STATEMENT)) {
      await trx
        .insertInto("usage_origins")
        .values(
          part.map(({ id, entry: e }) => ({
            record_id: id,
            address: e.address,
            user_agent: e.userAgent,
          })),
        )
        .execute();
    }
    const rollups = sumRollups(entries).map((r) => ({
      ...r,
      latency_sum_ms: Math.round(r.latency_sum_ms),
      latency_max_ms: Math.round(r.latency_max_ms),
    }));
    for (const part of chunks(rollups, ROWS_PER_STATEMENT)) {
      await trx
        .insertInto("usage_rollups")
        .values(part)
        .onConflict((oc) =>
          oc
            .columns(["period", "bucket", "version_id", "token_id", "user_id", "org_id"])
            .doUpdateSet({
              requests: sql<number>`usage_rollups.requests + excluded.requests`,
              errors: sql<number>`usage_rollups.errors + excluded.errors`,
              batch_rows: sql<number>`usage_rollups.batch_rows + excluded.batch_rows`,
              latency_sum_ms: sql<number>`usage_rollups.latency_sum_ms + excluded.latency_sum_ms`,
              prompt_tokens: sql<number>`usage_rollups.prompt_tokens + excluded.prompt_tokens`,
              completion_tokens: sql<number>`usage_rollups.completion_tokens + excluded.completion_tokens`,
              // max() takes two arguments in SQLite only and greatest() exists in PostgreSQL only.
              latency_max_ms: sql<number>`case when excluded.latency_max_ms > usage_rollups.latency_max_ms then excluded.latency_max_ms else usage_rollups.latency_max_ms end`,
            }),
        )
        .execute();
    }
  });
}
