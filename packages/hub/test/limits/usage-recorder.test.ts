import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import {
  pruneUsage,
  startUsagePruning,
  UsageRecorder,
  type UsageEntry,
} from "../../src/limits/index.js";
import { ManualClock } from "../support/manual-clock.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";

const DAY_MS = 86_400_000;
const NOW = new Date("2026-11-30T12:00:00.000Z");

function entry(at: Date, requestId: string, status = 200): UsageEntry {
  return {
    at,
    requestId,
    tokenId: "t_test",
    userId: "u_test",
    orgId: null,
    versionId: "v_test",
    protocol: "oip",
    endpoint: "infer",
    status,
    errorCode: status === 200 ? null : "BAD_REQUEST",
    rows: 2,
    inputHash: "0".repeat(64),
    latencyMs: 3,
    tokens: null,
    retryAfterS: null,
    address: "192.0.2.1",
    userAgent: "test",
  };
}

const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

for (const dialect of DIALECTS) {
  describe(`the usage recorder and its retention (${dialect})`, () => {
    let hub: TestHub;
    const logged: string[] = [];
    const log = (message: string) => {
      logged.push(message);
    };

    before(async () => {
      hub = await startHub(dialect);
    });
    after(async () => {
      await hub.close();
    });

    const count = async (table: "usage_records" | "usage_origins") =>
      Number(
        (
          await hub.built.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it("writes many entries in a few transactions of at most a batch each", async () => {
      const recorder = new UsageRecorder(hub.built.ctx.db, log, {
        flushMs: 60_000,
        batchSize: 100,
        maxBuffered: 10_000,
      });
      for (let i = 0; i < 250; i += 1) {
        recorder.record(entry(daysAgo(1), `r${i}`, i % 10 === 0 ? 400 : 200));
      }
      assert.equal(recorder.stats().pending, 250);
      await recorder.close();
      assert.deepEqual(recorder.stats(), {
        recorded: 250,
        written: 250,
        batches: 3,
        failures: 0,
        dropped: 0,
        pending: 0,
      });
      assert.equal(await count("usage_records"), 250);
      const day = await hub.built.ctx.db
        .selectFrom("usage_rollups")
        .selectAll()
        .where("period", "=", "day")
        .executeTakeFirstOrThrow();
      assert.equal(day.requests, 250);
      assert.equal(day.errors, 25);
      assert.equal(day.batch_rows, 500);
      assert.equal(day.latency_sum_ms, 750);
      assert.equal(day.latency_max_ms, 3);
      assert.equal(day.org_id, "");
    });

    it("adds a language model's tokens to the hourly and daily totals, batch after batch", async () => {
      const recorder = new UsageRecorder(hub.built.ctx.db, log, {
        flushMs: 60_000,
        batchSize: 2,
        maxBuffered: 100,
      });
      const calls = [
        { prompt: 7, completion: 16 },
        { prompt: 3, completion: 0 },
        { prompt: 12, completion: 5 },
      ];
      calls.forEach((tokens, i) => {
        recorder.record({
          ...entry(daysAgo(2), `lm${i}`),
          versionId: "v_lm",
          protocol: "openai",
          endpoint: "completions",
          tokens: { ...tokens, timeToFirstTokenMs: 4 },
        });
      });
      await recorder.close();
      assert.equal(recorder.stats().batches, 2, "the second batch adds to the first's totals");
      const totals = await hub.built.ctx.db
        .selectFrom("usage_rollups")
        .select(["period", "requests", "prompt_tokens", "completion_tokens"])
        .where("version_id", "=", "v_lm")
        .orderBy("period")
        .execute();
      assert.deepEqual(totals, [
        { period: "day", requests: 3, prompt_tokens: 22, completion_tokens: 21 },
        { period: "hour", requests: 3, prompt_tokens: 22, completion_tokens: 21 },
      ]);
    });

    it("keeps entries while the database refuses them, drops and logs past its bound, and writes the rest later", async () => {
      const recorder = new UsageRecorder(hub.built.ctx.db, log, {
        // A batch larger than the buffer, so only the test's flush() writes.
        flushMs: 60_000,
        batchSize: 10,
        maxBuffered: 3,
      });
      const db = hub.built.ctx.db;
      const before = await count("usage_records");
      await sql`alter table usage_records rename to usage_records_away`.execute(db);
      try {
        for (let i = 0; i < 5; i += 1) {
          recorder.record(entry(daysAgo(1), `away${i}`));
        }
        await recorder.flush();
        const stats = recorder.stats();
        assert.equal(stats.dropped, 2);
        assert.equal(stats.failures, 1);
        assert.equal(stats.pending, 3);
        assert.equal(stats.written, 0);
        assert.ok(
          logged.some((m) => m.includes("2 calls were not recorded")),
          logged.join("\n"),
        );
        assert.ok(
          logged.some((m) => m.includes("usage records failed")),
          logged.join("\n"),
        );
      } finally {
        await sql`alter table usage_records_away rename to usage_records`.execute(db);
      }
      await recorder.flush();
      assert.equal(recorder.stats().written, 3);
      assert.equal(recorder.stats().pending, 0);
      assert.equal(await count("usage_records"), before + 3);
      const ids = await db
        .selectFrom("usage_records")
        .select("request_id")
        .where("request_id", "like", "away%")
        .orderBy("request_id")
        .execute();
      // The oldest entries were kept; the newest, which found the buffer full, were dropped.
      assert.deepEqual(
        ids.map((r) => r.request_id),
        ["away0", "away1", "away2"],
      );
    });

    it("prunes raw records and hourly totals past the retention and keeps daily totals longer", async () => {
      const db = hub.built.ctx.db;
      await db.deleteFrom("usage_origins").execute();
      await db.deleteFrom("usage_records").execute();
      await db.deleteFrom("usage_rollups").execute();
      const recorder = new UsageRecorder(db, log);
      recorder.record(entry(daysAgo(1), "recent"));
      recorder.record(entry(daysAgo(40), "old"));
      recorder.record(entry(daysAgo(500), "ancient"));
      await recorder.close();

      const pruned = await pruneUsage(db, NOW, { retentionDays: 30, rollupRetentionDays: 400 });
      assert.deepEqual(pruned, { records: 2, hourly: 2, daily: 1 });
      const records = await db.selectFrom("usage_records").select("request_id").execute();
      assert.deepEqual(
        records.map((r) => r.request_id),
        ["recent"],
      );
      assert.equal(await count("usage_origins"), 1);
      const rollups = await db
        .selectFrom("usage_rollups")
        .select(["period", "bucket"])
        .orderBy("period")
        .orderBy("bucket")
        .execute();
      assert.deepEqual(rollups, [
        { period: "day", bucket: "2026-10-21T00:00:00.000Z" },
        { period: "day", bucket: "2026-11-29T00:00:00.000Z" },
        { period: "hour", bucket: "2026-11-29T12:00:00.000Z" },
      ]);
      // A second pass at the same time finds nothing more.
      assert.deepEqual(await pruneUsage(db, NOW, { retentionDays: 30, rollupRetentionDays: 400 }), {
        records: 0,
        hourly: 0,
        daily: 0,
      });
    });

    it("prunes on its own timer, by the clock it is given", async () => {
      const db = hub.built.ctx.db;
      const recorder = new UsageRecorder(db, log);
      recorder.record(entry(daysAgo(1), "timer"));
      await recorder.close();
      // A year after NOW: the record and its hourly total are past a 30-day retention.
      const clock = new ManualClock(new Date(NOW.getTime() + 365 * DAY_MS).toISOString());
      const failures: unknown[] = [];
      const stop = startUsagePruning(
        db,
        clock,
        { retentionDays: 30, rollupRetentionDays: 400 },
        20,
        (err) => failures.push(err),
      );
      try {
        for (let waited = 0; ; waited += 20) {
          const left = await db.selectFrom("usage_records").select("id").execute();
          if (left.length === 0) {
            break;
          }
          assert.ok(waited < 10_000, "the pruning timer never ran");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        stop();
      }
      assert.deepEqual(failures, []);
      const daily = await db.selectFrom("usage_rollups").select("period").execute();
      assert.ok(daily.every((r) => r.period === "day"));
    });
  });
}
