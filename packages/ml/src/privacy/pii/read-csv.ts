import { pipeline, type Readable } from "node:stream";
import { parse } from "csv-parse";
import { PiiError, type Table } from "./pii-types.js";

/** A CSV source: a stream of bytes or strings (a file stream, stdin, a Readable.from(text)). */
export type CsvSource = Readable | AsyncIterable<Buffer | string>;

/**
 * The data rows of a CSV file one at a time, after checking its header; each row
 * has exactly as many cells as the header. The first row is the header.
 * `name` labels errors (a file name).
 */
export async function* readCsvRows(
  source: CsvSource,
  name: string,
  onHeader: (columns: readonly string[]) => void,
): AsyncGenerator<string[]> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true });
  // pipeline carries a source error into the parser, where the loop below throws it,
  // and stopping the loop early destroys the source too.
  pipeline(source, parser, () => undefined);
  let columns: string[] | undefined;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (columns === undefined) {
        columns = record.map((c) => c.trim());
        const seen = new Set<string>();
        for (const c of columns) {
          if (c === "") {
            throw new PiiError(`${name}: the header has an empty column name`);
          }
          if (seen.has(c)) {
            throw new PiiError(`${name}: the header names column "${c}" twice`);
          }
          seen.add(c);
        }
        onHeader(columns);
        continue;
      }
      row++;
      if (record.length !== columns.length) {
        throw new PiiError(
          `${name}: row ${row} has ${record.length} fields but the header has ${columns.length} (${columns.join(", ")})`,
        );
      }
      yield record;
    }
  } catch (err) {
    if (err instanceof Error && "code" in err && String(err.code).startsWith("CSV_")) {
      throw new PiiError(`${name}: not valid CSV: ${err.message}`);
    }
    throw err;
  } finally {
    parser.destroy();
  }
  if (columns === undefined) {
    throw new PiiError(`${name} is empty; a CSV file needs a header row`);
  }
}

/** Reads a whole CSV file into a {@link Table}; for files that fit in memory. */
export async function readCsvTable(source: CsvSource, name = "CSV"): Promise<Table> {
  let columns: readonly string[] = [];
  const rows: string[][] = [];
  for await (const record of readCsvRows(source, name, (c) => {
    columns = c;
  })) {
    rows.push(record);
  }
  return { columns, rows };
}
