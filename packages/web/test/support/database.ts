import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { WebHub } from "./hub.js";

const POSTGRES_URL = process.env.GATEHOUSE_TEST_POSTGRES_URL;

/**
 * Runs one SQL statement on the hub's database behind its back, as someone
 * with access to the database server could: what a tamper test needs.
 * Parameters are `?` on both dialects.
 */
export async function rawSql(
  hub: WebHub,
  statement: string,
  parameters: readonly (string | number)[] = [],
): Promise<Record<string, unknown>[]> {
  if (hub.pgSchema === null) {
    const db = new Database(path.join(hub.workDir, "data", "gatehouse.sqlite"));
    try {
      const prepared = db.prepare(statement);
      return prepared.reader
        ? (prepared.all(...parameters) as Record<string, unknown>[])
        : (prepared.run(...parameters), []);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`set search_path to "${hub.pgSchema}"`);
    let n = 0;
    const result = await client.query(
      statement.replace(/\?/g, () => `$${String((n += 1))}`),
      [...parameters],
    );
    return result.rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
