import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql, type RawBuilder, type SqlBool } from "kysely";
import { cardSql } from "../../src/registry/card-sql.js";
import { RISK_TIERS } from "../../src/registry/index.js";
import { riskTierOf } from "../../src/release/policy-facts.js";
import type { RiskTier } from "../../src/release/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { DIALECTS, databaseFor, dropSchema } from "../support/harness.js";

/** Cards whose tier the SQL must read as riskTierOf does, chosen at the edges of each rule. */
const CARDS: readonly { card: Record<string, unknown> | null; reviewed: RiskTier | null }[] = [
  { card: null, reviewed: null },
  { card: null, reviewed: "high" },
  { card: {}, reviewed: null },
  { card: { risk_tier: "limited" }, reviewed: null },
  { card: { risk_tier: "high" }, reviewed: "limited" },
  { card: { risk_tier: "limited" }, reviewed: "systemic" },
  { card: { risk_tier: "HIGH" }, reviewed: null },
  { card: { risk_tier: 3 }, reviewed: null },
  ...[
    1e25,
    9.99e24,
    3.8e25,
    1e300,
    -1e30,
    0,
    "1e25",
    "  3.8E+25\n",
    "\u00a03.8e25\u3000",
    "+2e25",
    "++2e25",
    "-2e25",
    "2e25 FLOPs",
    "2.5.1e25",
    "1.e25",
    ".5e26",
    ".e26",
    "e25",
    "2e",
    "2e+",
    "2e+25",
    "2e-25",
    "2e0025",
    "20000000000000000000000000",
    "2000000000000000000000000.",
    "1e400",
    "1e99999",
    "1_000",
    "0x1p90",
    "Infinity",
    "",
    true,
    ["1e26"],
    { flops: 1e26 },
    "9".repeat(310),
    "9".repeat(309),
  ].map((flops) => ({
    card: { risk_tier: "limited", training_compute_flops: flops },
    reviewed: null,
  })),
];

/** The strings a card field holds as the list filters see them. */
const LISTS: readonly { card: Record<string, unknown> | null; tags: string[] }[] = [
  { card: null, tags: [] },
  { card: {}, tags: [] },
  { card: { tags: "vision" }, tags: ["vision"] },
  { card: { tags: ["vision", "onnx"] }, tags: ["vision", "onnx"] },
  { card: { tags: ["vision", 3, null, ["nested"]] }, tags: ["vision"] },
  { card: { tags: 3 }, tags: [] },
];

for (const dialect of DIALECTS) {
  describe(`card questions in SQL (${dialect})`, () => {
    let dataDir: string;
    let schema: string | null;
    let store: Store;
    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-card-sql-"));
      const target = databaseFor(dialect, dataDir);
      schema = target.schema;
      store = await openStore(target.database);
    });
    after(async () => {
      await store.close();
      if (schema !== null) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    /** Evaluates `expr` over one row holding `card` (as stored: JSON text) and `reviewed`. */
    const evaluate = async <T>(
      card: Record<string, unknown> | null,
      reviewed: string | null,
      expr: (q: ReturnType<typeof cardSql>) => RawBuilder<T>,
    ): Promise<T> => {
      const q = cardSql(store, "x.card");
      const row = sql<{
        r: T;
      }>`select ${expr(q)} as r from (select cast(${card === null ? null : JSON.stringify(card)} as text) as card, cast(${reviewed} as text) as reviewed) x`;
      const result = await row.execute(store.db);
      const [first] = result.rows;
      assert.ok(first !== undefined);
      return first.r;
    };

    it("reads the tier in force as riskTierOf does, at the edges of each rule", async () => {
      for (const { card, reviewed } of CARDS) {
        const rank = await evaluate(card, reviewed, (q) => q.riskRank("x.reviewed"));
        assert.equal(
          RISK_TIERS[rank],
          riskTierOf(card ?? {}, reviewed),
          `${JSON.stringify(card)} reviewed ${String(reviewed)}`,
        );
      }
    });

    it("finds the strings of a field that is a string or a list, and nothing else", async () => {
      for (const { card, tags } of LISTS) {
        for (const tag of ["vision", "onnx", "nested", "3"]) {
          const found = await evaluate(card, null, (q) =>
            q.has("tags", (value) => sql<SqlBool>`${value} = ${tag}`),
          );
          assert.equal(
            found === true || found === 1,
            tags.includes(tag),
            `${tag} in ${JSON.stringify(card)}`,
          );
        }
      }
    });
  });
}
