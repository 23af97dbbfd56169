import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { Table } from "./pii-types.js";

/** Writes a table as CSV (header first, quoted where needed, RFC 4180) and ends `output`. */
export async function writeCsv(table: Table, output: Writable): Promise<void> {
  function* records(): Generator<readonly string[]> {
    yield table.columns;
    yield* table.rows;
  }
  await pipeline(Readable.from(records()), stringify(), output);
}
