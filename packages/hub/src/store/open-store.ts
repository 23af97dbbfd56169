import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { DatabaseConfig } from "../config.js";
import { HubError } from "../errors/index.js";
import { BoundedMap } from "./bounded-map.js";
import { setChangeCounter, type ChangeCounter } from "./change-counter.js";
import { migrationProvider } from "./migrations.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

/** An open, migrated database. */
export interface Store {
  readonly db: Db;
  readonly dialect: "sqlite" | "postgres";
  /** Answers whether the database can be reached now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

interface Connection {
  readonly dialect: SqliteDialect | PostgresDialect;
  /** Undefined where changes by other connections cannot be told cheaply. */
  readonly changes: ChangeCounter | undefined;
}

function sqliteConnection(file: string): Connection {
  mkdirSync(path.dirname(file), { recursive: true });
  const database = new SQLite(file);
  // WAL lets readers go on while a writer commits; a busy timeout waits for a
  // writer in another process instead of failing at once.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  const statements = new BoundedMap<string, SQLite.Statement>(STATEMENT_CACHE_SIZE);
  // data_version moves when another connection commits; this connection's own
  // writes are counted as their statements are prepared, just before they run.
  const dataVersion = database.prepare("pragma data_version").pluck();
  let seenVersion: unknown = dataVersion.get();
  let changeCount = 0;
  let askedThisTurn = false;
  /**
   * Kysely prepares every query afresh; preparing costs more than running a
   * small indexed query, so statements are kept by their SQL text. Safe because
   * Kysely runs one statement at a time on this connection and never holds an
   * iterator open across queries here.
   */
  const prepare = (text: string): SQLite.Statement => {
    // Kysely opens every transaction with a plain (deferred) `begin`. One that reads and
    // then writes cannot take the write lock if another process committed in between:
    // SQLite fails it at once with SQLITE_BUSY, which busy_timeout does not wait out.
    // Transactions here are for changes, so each takes the write lock as it begins,
    // waiting for another process's writer instead.
    const sqlText = text === "begin" ? "begin immediate" : text;
    let statement = statements.get(sqlText);
    if (statement === undefined) {
      statement = database.prepare(sqlText);
      statements.set(sqlText, statement);
    }
    if (!statement.readonly) {
      changeCount += 1;
    }
    return statement;
  };
  return {
    dialect: new SqliteDialect({ database: { close: () => database.close(), prepare } }),
    changes() {
      // Asking costs a read transaction, as much as a small query, so it is asked
      // once per turn of the event loop: the requests of one turn are concurrent
      // with another process's commit anyway, and the next turn sees it.
      if (!askedThisTurn) {
        askedThisTurn = true;
        setImmediate(() => {
          askedThisTurn = false;
        });
        const version = dataVersion.get();
        if (version !== seenVersion) {
          seenVersion = version;
          changeCount += 1;
        }
      }
      return changeCount;
    },
  };
}

/** Distinct SQL texts kept prepared: `in (…)` lists come in many lengths. */
const STATEMENT_CACHE_SIZE = 500;

function postgresDialect(url: string, schema: string | undefined): PostgresDialect {
  // pg returns int8 as strings; every bigint here (sizes, sequence numbers) fits a double.
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  return new PostgresDialect({ pool });
}

/** The schema unqualified names resolve to (the first of search_path that exists). */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  return result.rows[0]?.schema ?? "public";
}

/**
 * Whether a migration run failed only because another schema vanished under it:
 * Kysely's migrator finds its own tables by listing every schema's columns
 * (`has_schema_privilege`, `pg_get_serial_sequence` on each), and a schema another
 * process drops meanwhile fails that listing with invalid_schema_name (3F000)
 * before any migration runs, so the run may be tried again.
 */
function droppedElsewhere(error: unknown, ours: string | undefined): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : "";
  return ours !== undefined && code === "3F000" && !message.includes(`"${ours}"`);
}

/**
 * Opens the database the configuration names and brings its schema up to date.
 * Throws a HubError("UNAVAILABLE") that names the failed migration.
 */
export async function openStore(config: DatabaseConfig): Promise<Store> {
  const connection =
    config.kind === "sqlite"
      ? sqliteConnection(config.file)
      : { dialect: postgresDialect(config.url, config.schema), changes: undefined };
  const db = new Kysely<Database>({ dialect: connection.dialect });
  if (config.kind === "postgres" && config.schema !== undefined) {
    await sql`create schema if not exists ${sql.id(config.schema)}`.execute(db);
  }
  // Kysely looks for its migration tables in every schema unless told which one, so
  // a database whose other schema holds them (another hub, another test run) would
  // skip creating them here and fail.
  const migrationTableSchema = config.kind === "postgres" ? await currentSchema(db) : undefined;
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  let outcome = await migrator.migrateToLatest();
  for (let retry = 0; retry < 3 && droppedElsewhere(outcome.error, migrationTableSchema); retry++) {
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  if (error !== undefined) {
    await db.destroy();
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new HubError(
      "UNAVAILABLE",
      `database migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
    );
  }
  if (connection.changes !== undefined) {
    setChangeCounter(db, connection.changes);
  }
  return {
    db,
    dialect: config.kind,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
