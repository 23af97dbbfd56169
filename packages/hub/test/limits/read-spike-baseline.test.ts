import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { readSpikeBaseline } from "../../src/limits/index.js";
import { openStore, type Store, type UsageRollupsTable } from "../../src/store/index.js";
import { DIALECTS, databaseFor, dropSchema } from "../support/harness.js";

const HOUR_MS = 3_600_000;
const NOW = new Date("2026-03-01T12:02:00.000Z");
const CURRENT_HOUR = Date.parse("2026-03-01T12:00:00.000Z");
/** 1 − 2^(−1/24): the weight of the hour before the current one, per call a window. */
const LAST_HOUR = 0.02846805884639414;

/** An hourly total `k` hours before the current one. */
function hourly(
  k: number,
  requests: number,
  ids: { token?: string; user?: string; version?: string },
): UsageRollupsTable {
  return {
    period: "hour",
    bucket: new Date(CURRENT_HOUR - k * HOUR_MS).toISOString(),
    version_id: ids.version ?? "v_a",
    token_id: ids.token ?? "",
    user_id: ids.user ?? "",
    org_id: "",
    requests,
    errors: 0,
    batch_rows: requests,
    latency_sum_ms: 0,
    latency_max_ms: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
  };
}

for (const dialect of DIALECTS) {
  describe(`the spike baseline read from the hourly totals (${dialect})`, () => {
    let dataDir: string;
    let schema: string | null;
    let store: Store;

    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-baseline-"));
      const opened = databaseFor(dialect, dataDir);
      schema = opened.schema;
      store = await openStore(opened.database);
      await store.db
        .insertInto("usage_rollups")
        .values([
          // A token's hour holds a row per version it called: 60 + 60.
          hourly(1, 60, { token: "t_a", user: "u_a" }),
          hourly(1, 60, { token: "t_a", user: "u_a", version: "v_b" }),
          hourly(25, 120, { token: "t_a", user: "u_a" }),
          // The current hour and hours older than a week are not read.
          hourly(0, 100_000, { token: "t_a", user: "u_a" }),
          hourly(169, 100_000, { token: "t_a", user: "u_a" }),
          // The user's calls without a token, in a web session: 240 in the last hour.
          hourly(1, 240, { user: "u_a" }),
          // Daily totals are not read.
          { ...hourly(1, 100_000, { token: "t_a", user: "u_a" }), period: "day" },
        ])
        .execute();
    });
    after(async () => {
      await store.close();
      if (schema !== null) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    it("weighs a token's hours of the week before the current hour, summed over versions", async () => {
      // 120 calls an hour back, 10 a window: 10 × (1 − 2^(−1/24)); 120 a day earlier, half.
      const token = await readSpikeBaseline(store.db, "token", "t_a", NOW);
      assert.ok(Math.abs(token - 15 * LAST_HOUR) < 1e-9, String(token));
      assert.equal(await readSpikeBaseline(store.db, "token", "t_none", NOW), 0);
    });

    it("reads a user's calls without a token only, as its key counts them", async () => {
      // 240 calls an hour back, 20 a window; the token's calls count under the token.
      const user = await readSpikeBaseline(store.db, "user", "u_a", NOW);
      assert.ok(Math.abs(user - 20 * LAST_HOUR) < 1e-9, String(user));
    });

    if (dialect === "sqlite") {
      it("finds a token's and a user's totals by an index, not by a scan of every caller's", async () => {
        const plans = [
          sql`explain query plan select bucket, sum(requests) from usage_rollups where period = 'hour' and token_id = 't_a' and bucket >= '2026-02-22T12:00:00.000Z' and bucket < '2026-03-01T12:00:00.000Z' group by bucket`,
          sql`explain query plan select bucket, sum(requests) from usage_rollups where period = 'hour' and user_id = 'u_a' and token_id = '' and bucket >= '2026-02-22T12:00:00.000Z' and bucket < '2026-03-01T12:00:00.000Z' group by bucket`,
        ];
        const details: string[] = [];
        for (const plan of plans) {
          const rows = await plan.execute(store.db);
          details.push((rows.rows as { detail: string }[]).map((r) => r.detail).join("; "));
        }
        assert.match(
          details[0] ?? "",
          /USING INDEX usage_rollups_token \(period=\? AND token_id=\? AND bucket>\? AND bucket<\?\)/,
        );
        assert.match(
          details[1] ?? "",
          /USING INDEX usage_rollups_user \(period=\? AND user_id=\? AND token_id=\? AND bucket>\? AND bucket<\?\)/,
        );
      });
    }
  });
}
