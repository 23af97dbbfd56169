import { createReadStream } from "node:fs";
import { basename, extname } from "node:path";
import { CsvError, parse } from "csv-parse";
import { DataError } from "./data-error.js";
import { chooseFeatures, TableBuilder } from "./table-builder.js";
import type { FileDataset, ReadTableOptions } from "./table-builder.js";

export interface ReadCsvOptions extends ReadTableOptions {
  /** Field separator; default ",". */
  delimiter?: string;
}

function checkHeader(header: readonly string[], file: string): void {
  const seen = new Set<string>();
  header.forEach((name, j) => {
    if (name === "") {
      throw new DataError(`${file}: header column ${j + 1} has no name`, { row: 1 });
    }
    if (seen.has(name)) {
      throw new DataError(`${file}: column "${name}" appears twice in the header`, {
        row: 1,
        column: name,
      });
    }
    seen.add(name);
  });
}

/**
 * Reads a CSV file with a header row into a dataset, streaming it record by record
 * (csv-parse), so a file larger than memory as text can be read as long as its numbers
 * fit. Row numbers in errors are line numbers of the file, the header being row 1.
 * @example
 * const data = await readCsv("houses.csv", { target: "price", task: "regression" });
 */
export async function readCsv(file: string, options: ReadCsvOptions): Promise<FileDataset> {
  const input = createReadStream(file);
  // Only the line number is kept: `info: true` copies a whole info object per record.
  const lineOf = new WeakMap<string[], number>();
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter: options.delimiter ?? ",",
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (fields: string[], context) => {
        lineOf.set(fields, context.lines);
        return fields;
      },
    }),
  );
  // pipe() does not forward a read error (a missing file) to the parser.
  input.on("error", (error) => parser.destroy(error));
  let header: string[] | null = null;
  let builder: TableBuilder | null = null;
  let positions: number[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = lineOf.get(record) ?? 0;
      if (header === null || builder === null) {
        header = record.map((h) => h.trim());
        checkHeader(header, file);
        builder = new TableBuilder(
          options,
          chooseFeatures(header, options, file),
          options.name ?? basename(file, extname(file)),
        );
        const columns = header;
        positions = builder.usedColumns.map((c) => columns.indexOf(c));
        continue;
      }
      if (record.length !== header.length) {
        throw new DataError(
          `row ${line}: ${record.length} fields where the header has ${header.length}; every row needs one value per column`,
          { row: line },
        );
      }
      builder.add(
        line,
        positions.map((j) => record[j]),
      );
    }
  } catch (error) {
    input.destroy();
    parser.destroy();
    if (error instanceof CsvError) {
      throw new DataError(`${file}: not valid CSV: ${error.message}`);
    }
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      throw new DataError(`${file}: no such file`);
    }
    throw error;
  }
  if (builder === null) {
    throw new DataError(`${file} is empty: expected a header row and data rows`);
  }
  return builder.finish();
}
