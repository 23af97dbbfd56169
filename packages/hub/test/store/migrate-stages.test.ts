import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { migrationProvider } from "../../src/store/migrations.js";
import { openStore, type Store } from "../../src/store/index.js";
import { DIALECTS, databaseFor, dropSchema } from "../support/harness.js";

/**
 * A data folder from the release before the ladder: models had one
 * visibility. Opening it with this release migrates it, and each published
 * version takes its model's old visibility as its stage.
 */
const AT = "2026-01-01T00:00:00.000Z";
const MODELS = [
  { id: "m_private", visibility: "private" },
  { id: "m_internal", visibility: "internal" },
  { id: "m_open", visibility: "open" },
] as const;

for (const dialect of DIALECTS) {
  describe(`opening a data folder of the previous release (${dialect})`, () => {
    let dataDir: string;
    let schema: string | null;
    let store: Store;

    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-migrate-"));
      const target = databaseFor(dialect, dataDir);
      schema = target.schema;
      const config = target.database;
      // The previous release's schema, written by its own migrations.
      const old = new Kysely<unknown>({
        dialect:
          config.kind === "sqlite"
            ? new SqliteDialect({ database: new SQLite(config.file) })
            : new PostgresDialect({
                pool: new pg.Pool({
                  connectionString: config.url,
                  max: 1,
                  options: `-c search_path=${config.schema ?? "public"}`,
                }),
              }),
      });
      if (config.kind === "postgres" && config.schema !== undefined) {
        await sql`create schema if not exists ${sql.id(config.schema)}`.execute(old);
      }
      const migrated = await new Migrator({
        db: old,
        provider: migrationProvider,
        ...(config.kind === "postgres" && config.schema !== undefined
          ? { migrationTableSchema: config.schema }
          : {}),
      }).migrateTo("0004-audit-resource-index");
      assert.equal(migrated.error, undefined);
      await sql`insert into namespaces (id, name, name_key, kind, created_at) values ('u_ann', 'ann', 'ann', 'user', ${AT})`.execute(
        old,
      );
      for (const m of MODELS) {
        await sql`insert into models (id, namespace_id, name, name_key, visibility, created_at, updated_at) values (${m.id}, 'u_ann', ${m.id}, ${m.id}, ${m.visibility}, ${AT}, ${AT})`.execute(
          old,
        );
        await sql`insert into versions (id, model_id, name, state, commit_id, card, created_at, published_at) values (${`v_${m.id}`}, ${m.id}, 'v1', 'published', ${"a".repeat(40)}, null, ${AT}, ${AT})`.execute(
          old,
        );
        await sql`insert into versions (id, model_id, name, state, commit_id, card, created_at, published_at) values (${`d_${m.id}`}, ${m.id}, 'v2', 'draft', null, null, ${AT}, null)`.execute(
          old,
        );
      }
      await sql`insert into audit_events (seq, at, actor_id, action, resource, details, prev_hash, hash) values (1, ${AT}, 'u_ann', 'version.publish', 'version:v_m_open', '{}', ${"0".repeat(64)}, ${"1".repeat(64)})`.execute(
        old,
      );
      await old.destroy();
      store = await openStore(config);
    });
    after(async () => {
      await store.close();
      if (schema !== null) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    it("gives each published version its model's old visibility as its stage, and drafts none", async () => {
      const rows = await store.db
        .selectFrom("versions")
        .select(["id", "stage", "stage_since", "withdrawn_from"])
        .orderBy("id")
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.stage, r.stage_since, r.withdrawn_from]),
        [
          ["d_m_internal", null, null, null],
          ["d_m_open", null, null, null],
          ["d_m_private", null, null, null],
          ["v_m_internal", "internal", AT, null],
          ["v_m_open", "open", AT, null],
          ["v_m_private", "private", AT, null],
        ],
      );
    });

    it("keeps each model's visibility as the stage its new versions start at", async () => {
      const rows = await store.db
        .selectFrom("models")
        .select(["id", "initial_stage"])
        .orderBy("id")
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.initial_stage]),
        [
          ["m_internal", "internal"],
          ["m_open", "open"],
          ["m_private", "private"],
        ],
      );
    });

    it("finds each version's author in its publication's audit event", async () => {
      const rows = await store.db
        .selectFrom("versions")
        .select(["id", "published_by"])
        .where("state", "=", "published")
        .orderBy("id")
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.published_by]),
        [
          ["v_m_internal", null],
          ["v_m_open", "u_ann"],
          ["v_m_private", null],
        ],
      );
    });
  });
}
