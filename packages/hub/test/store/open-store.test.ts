import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { openStore, type Store } from "../../src/store/index.js";
import { DIALECTS, databaseFor, dropSchema, POSTGRES_URL } from "../support/harness.js";

const TABLES = [
  "audit_events",
  "audit_head",
  "audit_origins",
  "models",
  "namespaces",
  "org_members",
  "tokens",
  "users",
  "version_files",
  "versions",
];

async function insertNamespace(store: Store, id: string, name: string): Promise<void> {
  await store.db
    .insertInto("namespaces")
    .values({ id, name, name_key: name, kind: "user", created_at: new Date().toISOString() })
    .execute();
}

for (const dialect of DIALECTS) {
  describe(`store (${dialect})`, () => {
    let dataDir: string;
    const schemas: string[] = [];
    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-store-"));
    });
    after(async () => {
      for (const schema of schemas) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    it("migrates a fresh database and migrates nothing again when reopened", async () => {
      const { database, schema } = databaseFor(dialect, dataDir);
      if (schema !== null) {
        schemas.push(schema);
      }
      const first = await openStore(database);
      try {
        assert.equal(first.dialect, dialect);
        assert.equal(await first.ping(), true);
        const tables = (await first.db.introspection.getTables()).map((t) => t.name).sort();
        for (const table of TABLES) {
          assert.ok(tables.includes(table), `table ${table} is missing: ${tables.join(", ")}`);
        }
        const head = await first.db.selectFrom("audit_head").selectAll().execute();
        assert.deepEqual(head, [{ id: 1, seq: 0, hash: "0".repeat(64) }]);
        await insertNamespace(first, "n_kept", "kept");
      } finally {
        await first.close();
      }

      const second = await openStore(database);
      try {
        // A second run of the first migration would fail on the existing tables or add a head row.
        const head = await second.db.selectFrom("audit_head").selectAll().execute();
        assert.equal(head.length, 1);
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(
          second.db,
        );
        const names = applied.rows.map((r) => r.name);
        assert.equal(new Set(names).size, names.length, `applied twice: ${names.join(", ")}`);
        const kept = await second.db.selectFrom("namespaces").select("name").execute();
        assert.deepEqual(kept, [{ name: "kept" }]);
      } finally {
        await second.close();
      }
    });

    if (dialect === "postgres") {
      it("keeps each schema's rows to itself", async () => {
        assert.ok(POSTGRES_URL !== undefined);
        const a = databaseFor("postgres", dataDir);
        const b = databaseFor("postgres", dataDir);
        for (const s of [a.schema, b.schema]) {
          if (s !== null) {
            schemas.push(s);
          }
        }
        assert.notEqual(a.schema, b.schema);
        const storeA = await openStore(a.database);
        const storeB = await openStore(b.database);
        try {
          await insertNamespace(storeA, "n_only_a", "only-a");
          await insertNamespace(storeB, "n_only_b", "only-b");
          const inA = await storeA.db.selectFrom("namespaces").select("name").execute();
          const inB = await storeB.db.selectFrom("namespaces").select("name").execute();
          assert.deepEqual(inA, [{ name: "only-a" }]);
          assert.deepEqual(inB, [{ name: "only-b" }]);
          const where = await sql<{
            schema: string;
          }>`select current_schema() as schema`.execute(storeA.db);
          assert.equal(where.rows[0]?.schema, a.schema);
        } finally {
          await storeA.close();
          await storeB.close();
        }
      });
    }
  });
}
