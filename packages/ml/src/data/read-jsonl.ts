import { createReadStream } from "node:fs";
import { basename, extname } from "node:path";
import { createInterface } from "node:readline";
import { DataError } from "./data-error.js";
import { chooseFeatures, TableBuilder } from "./table-builder.js";
import type { FileDataset, ReadTableOptions } from "./table-builder.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a JSON Lines file (one JSON object per line) into a dataset, streaming it line
 * by line. Columns are the keys of the first object; later objects may carry extra keys
 * (ignored) but must have every column used. Blank lines are skipped. Row numbers in
 * errors are line numbers, the first line being row 1. Numbers may be JSON numbers or
 * strings holding a number; `null` counts as an empty cell.
 * @example
 * const data = await readJsonl("reviews.jsonl", { target: "label", features: ["length", "stars"] });
 */
export async function readJsonl(file: string, options: ReadTableOptions): Promise<FileDataset> {
  const stream = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let builder: TableBuilder | null = null;
  let columns: string[] = [];
  let row = 0;
  try {
    for await (const line of lines) {
      row++;
      const text = row === 1 ? line.replace(/^\uFEFF/, "") : line;
      if (text.trim() === "") {
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new DataError(
          `row ${row}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
          { row },
        );
      }
      if (!isRecord(value)) {
        throw new DataError(
          `row ${row}: expected a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`,
          { row },
        );
      }
      if (builder === null) {
        builder = new TableBuilder(
          options,
          chooseFeatures(Object.keys(value), options, file),
          options.name ?? basename(file, extname(file)),
        );
        columns = builder.usedColumns;
      }
      const record = value;
      const missing = columns.find((c) => !(c in record));
      if (missing !== undefined) {
        throw new DataError(
          `row ${row}: column "${missing}" is missing; this row has ${Object.keys(record)
            .map((c) => `"${c}"`)
            .join(", ")}`,
          { row, column: missing },
        );
      }
      builder.add(
        row,
        columns.map((c) => record[c]),
      );
    }
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      throw new DataError(`${file}: no such file`);
    }
    throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
  if (builder === null) {
    throw new DataError(`${file} is empty: expected one JSON object per line`);
  }
  return builder.finish();
}
