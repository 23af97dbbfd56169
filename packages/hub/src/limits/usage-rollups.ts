import type { UsageRollupsTable } from "../store/index.js";
import type { UsageEntry } from "./usage-entry.js";

/** The start of the UTC hour holding `at`, as rollups store it. */
export const hourBucket = (at: Date): string => `${at.toISOString().slice(0, 13)}:00:00.000Z`;

/** The start of the UTC day holding `at`, as rollups store it. */
export const dayBucket = (at: Date): string => `${at.toISOString().slice(0, 10)}T00:00:00.000Z`;

/** A call counts as an error when it was refused or failed, the client's going away (499) included. */
export const isError = (status: number): boolean => status >= 400;

/**
 * The rollup rows a batch of entries adds to, each hour and UTC day summed in
 * memory first: one row per key, so a multi-row upsert never names a key
 * twice (PostgreSQL refuses that) and a batch costs one statement.
 */
export function sumRollups(entries: readonly UsageEntry[]): UsageRollupsTable[] {
  const sums = new Map<string, UsageRollupsTable>();
  for (const e of entries) {
    for (const [period, bucket] of [
      ["hour", hourBucket(e.at)],
      ["day", dayBucket(e.at)],
    ] as const) {
      const row: UsageRollupsTable = {
        period,
        bucket,
        version_id: e.versionId ?? "",
        token_id: e.tokenId ?? "",
        user_id: e.userId ?? "",
        org_id: e.orgId ?? "",
        requests: 0,
        errors: 0,
        batch_rows: 0,
        latency_sum_ms: 0,
        latency_max_ms: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
      };
      const key = [period, bucket, row.version_id, row.token_id, row.user_id, row.org_id].join(
        "\u0000",
      );
      const sum = sums.get(key) ?? row;
      sum.requests += 1;
      sum.errors += isError(e.status) ? 1 : 0;
      sum.batch_rows += e.rows;
      sum.latency_sum_ms += e.latencyMs;
      sum.latency_max_ms = Math.max(sum.latency_max_ms, e.latencyMs);
      sum.prompt_tokens += e.tokens?.prompt ?? 0;
      sum.completion_tokens += e.tokens?.completion ?? 0;
      sums.set(key, sum);
    }
  }
  return [...sums.values()];
}
