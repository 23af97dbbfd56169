import type { Table } from "../pii/index.js";
import { KAnonymityError } from "./kanon-error.js";

/** The index of each named column, or an error naming the table's columns. */
export function columnIndexes(table: Table, names: readonly string[], role: string): number[] {
  if (names.length === 0) {
    throw new KAnonymityError(
      `give at least one ${role}; the columns are ${table.columns.join(", ")}`,
    );
  }
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) {
      throw new KAnonymityError(`${role} "${name}" is named twice`);
    }
    seen.add(name);
    const i = table.columns.indexOf(name);
    if (i < 0) {
      throw new KAnonymityError(
        `${role} "${name}" is not a column; the columns are ${table.columns.join(", ")}`,
      );
    }
    return i;
  });
}

/** Checks that k is a whole number from 1 to the number of rows. */
export function checkK(k: number, rows: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new KAnonymityError(`k must be a whole number ≥ 1, got ${k}`);
  }
  if (rows === 0) {
    throw new KAnonymityError("the table has no rows");
  }
  if (k > rows) {
    throw new KAnonymityError(
      `k = ${k} is larger than the table (${rows} rows); no grouping can give every record ${k - 1} look-alikes`,
    );
  }
}
