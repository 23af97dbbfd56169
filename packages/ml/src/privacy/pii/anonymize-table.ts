import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import {
  applyReplacements,
  createReplacer,
  type AnonymizeOptions,
  type Replacer,
} from "./anonymize-text.js";
import {
  generalizeDate,
  generalizeNumber,
  generalizePostcode,
  type DateGranularity,
} from "./generalize.js";
import { PiiError, type PiiType, type Table, type TablePiiFinding } from "./pii-types.js";
import { readCsvRows, type CsvSource } from "./read-csv.js";
import { countByType, scanRow } from "./scan-table.js";

/**
 * A generalisation for a whole column, whatever the scanner finds in it:
 * numbers (ages, incomes) to ranges, postcodes to a prefix, dates to year or decade.
 */
export type ColumnRule =
  | { readonly kind: "range"; readonly width: number }
  | { readonly kind: "prefix"; readonly keep: number }
  | { readonly kind: "date"; readonly to: DateGranularity };

/** Options for tables: the strategy for detected values plus per-column rules. */
export interface AnonymizeTableOptions extends AnonymizeOptions {
  readonly columns?: Readonly<Record<string, ColumnRule>>;
  /** Labels errors (a file name). */
  readonly name?: string;
}

/** What anonymising a table did. */
export interface AnonymizeTableReport {
  readonly rows: number;
  /** Findings replaced, per type. */
  readonly counts: Record<PiiType, number>;
  /** Cells rewritten by a column rule. */
  readonly generalizedCells: number;
}

function applyRule(rule: ColumnRule, cell: string, row: number, column: string): string {
  const value = cell.trim();
  if (value === "") {
    return cell;
  }
  switch (rule.kind) {
    case "range": {
      const n = Number(value);
      if (!Number.isFinite(n)) {
        throw new PiiError(`row ${row}, column "${column}": "${cell}" is not a number`);
      }
      return generalizeNumber(n, rule.width);
    }
    case "prefix":
      return generalizePostcode(value, rule.keep);
    case "date": {
      const out = generalizeDate(value, rule.to);
      if (out === undefined) {
        throw new PiiError(`row ${row}, column "${column}": "${cell}" is not a date`);
      }
      return out;
    }
  }
}

/** Rewrites rows one at a time; built once per table. */
function rowAnonymizer(
  columns: readonly string[],
  options: AnonymizeTableOptions,
  replace: Replacer,
): (
  cells: readonly string[],
  row: number,
) => { cells: string[]; findings: TablePiiFinding[]; ruled: number } {
  const rules = options.columns ?? {};
  for (const name of Object.keys(rules)) {
    if (!columns.includes(name)) {
      throw new PiiError(
        `column "${name}" is not in the table; its columns are ${columns.join(", ")}`,
      );
    }
  }
  const ruleAt = columns.map((c) => rules[c]);
  return (cells, row) => {
    const findings = scanRow(columns, cells, row, options);
    const out: string[] = [];
    let ruled = 0;
    for (let c = 0; c < columns.length; c++) {
      const cell = cells[c] ?? "";
      const rule = ruleAt[c];
      if (rule !== undefined) {
        out.push(applyRule(rule, cell, row, columns[c] ?? ""));
        ruled++;
        continue;
      }
      const here = findings.filter((f) => f.column === columns[c]);
      out.push(here.length === 0 ? cell : applyReplacements(cell, here, replace));
    }
    return { cells: out, findings, ruled };
  };
}

/** Anonymises a table in memory. */
export function anonymizeTable(
  table: Table,
  options: AnonymizeTableOptions,
): { table: Table; report: AnonymizeTableReport } {
  const replace = createReplacer(options);
  const anonymizeRow = rowAnonymizer(table.columns, options, replace);
  const rows: string[][] = [];
  const findings: TablePiiFinding[] = [];
  let generalizedCells = 0;
  table.rows.forEach((cells, i) => {
    const r = anonymizeRow(cells, i + 1);
    rows.push(r.cells);
    findings.push(...r.findings);
    generalizedCells += r.ruled;
  });
  return {
    table: { columns: table.columns, rows },
    report: { rows: rows.length, counts: countByType(findings), generalizedCells },
  };
}

/**
 * Anonymises a CSV stream into another, row by row, so files of any size pass
 * through in constant memory. The header is copied unchanged.
 *
 * @example
 * await anonymizeCsv(createReadStream("in.csv"), createWriteStream("out.csv"), {
 *   strategy: "pseudonymize", key, columns: { age: { kind: "range", width: 10 } },
 * });
 */
export async function anonymizeCsv(
  source: CsvSource,
  output: Writable,
  options: AnonymizeTableOptions,
): Promise<AnonymizeTableReport> {
  const replace = createReplacer(options);
  const counts = countByType([]);
  let rows = 0;
  let generalizedCells = 0;
  // The header is written before the first row, or alone for a table without rows.
  let pending: string[] | undefined;
  async function* transform(): AsyncGenerator<string[]> {
    let anonymizeRow: ReturnType<typeof rowAnonymizer> | undefined;
    for await (const cells of readCsvRows(source, options.name ?? "CSV", (columns) => {
      anonymizeRow = rowAnonymizer(columns, options, replace);
      pending = [...columns];
    })) {
      if (pending !== undefined) {
        yield pending;
        pending = undefined;
      }
      if (anonymizeRow === undefined) {
        continue;
      }
      rows++;
      const r = anonymizeRow(cells, rows);
      for (const f of r.findings) {
        counts[f.type]++;
      }
      generalizedCells += r.ruled;
      yield r.cells;
    }
    if (pending !== undefined) {
      yield pending;
    }
  }
  await pipeline(transform, stringify(), output);
  return { rows, counts, generalizedCells };
}
