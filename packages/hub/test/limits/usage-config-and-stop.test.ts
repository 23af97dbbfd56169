import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.js";
import { openStore } from "../../src/store/index.js";
import { DIALECTS, dropSchema, startHub } from "../support/harness.js";

describe("usage record settings", () => {
  it("keeps raw records 30 days and daily totals 400 unless told otherwise", () => {
    assert.deepEqual(loadConfig({}).usage, { retentionDays: 30, rollupRetentionDays: 400 });
    assert.deepEqual(
      loadConfig({ GATEHOUSE_USAGE_RETENTION_DAYS: "7", GATEHOUSE_USAGE_ROLLUP_DAYS: "90" }).usage,
      { retentionDays: 7, rollupRetentionDays: 90 },
    );
  });

  for (const [variable, bad] of [
    ["GATEHOUSE_USAGE_RETENTION_DAYS", "30d"],
    ["GATEHOUSE_USAGE_ROLLUP_DAYS", "0"],
  ] as const) {
    it(`rejects ${variable}="${bad}", naming it`, () => {
      assert.throws(
        () => loadConfig({ [variable]: bad }),
        (err: unknown) => err instanceof ConfigError && err.variable === variable,
      );
    });
  }
});

for (const dialect of DIALECTS) {
  describe(`a clean stop of the hub (${dialect})`, () => {
    it("writes the usage records still buffered before closing the database", async () => {
      const hub = await startHub(dialect);
      try {
        const at = hub.built.ctx.clock.now();
        hub.built.ctx.usage.record({
          at,
          requestId: "last-call",
          tokenId: null,
          userId: null,
          orgId: null,
          versionId: null,
          protocol: "oip",
          endpoint: "infer",
          status: 401,
          errorCode: "UNAUTHENTICATED",
          rows: 1,
          inputHash: null,
          latencyMs: 1,
          tokens: null,
          retryAfterS: null,
          address: null,
          userAgent: null,
        });
        await hub.built.close();
        const store = await openStore(hub.config.database);
        try {
          const rows = await store.db.selectFrom("usage_records").select("request_id").execute();
          assert.deepEqual(
            rows.map((r) => r.request_id),
            ["last-call"],
          );
        } finally {
          await store.close();
        }
      } finally {
        if (hub.pgSchema !== null) {
          await dropSchema(hub.pgSchema);
        }
        await rm(hub.dataDir, { recursive: true, force: true });
      }
    });
  });
}
