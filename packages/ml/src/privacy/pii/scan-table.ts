import { isDateOfBirthColumn, parseDate } from "./parse-date.js";
import { PII_TYPES, type PiiType, type Table, type TablePiiFinding } from "./pii-types.js";
import { readCsvRows, type CsvSource } from "./read-csv.js";
import { scanText, type ScanOptions } from "./scan-text.js";

/**
 * The findings in one row's cells. A cell of a date-of-birth column (by its
 * name, see isDateOfBirthColumn) that reads as a date is one finding; every other
 * cell is scanned as text.
 */
export function scanRow(
  columns: readonly string[],
  cells: readonly string[],
  row: number,
  options: ScanOptions = {},
): TablePiiFinding[] {
  const wantDob = options.types === undefined || options.types.includes("date_of_birth");
  const out: TablePiiFinding[] = [];
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] ?? "";
    const cell = cells[c] ?? "";
    if (wantDob && isDateOfBirthColumn(column) && parseDate(cell, options.today) !== undefined) {
      const start = cell.length - cell.trimStart().length;
      const match = cell.trim();
      out.push({ type: "date_of_birth", start, end: start + match.length, match, row, column });
      continue;
    }
    for (const f of scanText(cell, options)) {
      out.push({ ...f, row, column });
    }
  }
  return out;
}

/** Finds personal data in every cell of a table; rows are numbered from 1 after the header. */
export function scanTable(table: Table, options: ScanOptions = {}): TablePiiFinding[] {
  return table.rows.flatMap((cells, i) => scanRow(table.columns, cells, i + 1, options));
}

/** What a scan of a CSV stream found. */
export interface CsvScanResult {
  readonly columns: readonly string[];
  readonly rows: number;
  readonly findings: TablePiiFinding[];
  readonly counts: Record<PiiType, number>;
}

/** Counts findings per type, every type present (0 when none). */
export function countByType(
  findings: Iterable<{ readonly type: PiiType }>,
): Record<PiiType, number> {
  const counts = Object.fromEntries(PII_TYPES.map((t) => [t, 0])) as Record<PiiType, number>;
  for (const f of findings) {
    counts[f.type]++;
  }
  return counts;
}

/**
 * Scans a CSV stream row by row (the first row is the header), so a file of any
 * length is read once without being held in memory; only the findings are kept.
 */
export async function scanCsv(
  source: CsvSource,
  options: ScanOptions & { readonly name?: string } = {},
): Promise<CsvScanResult> {
  let columns: readonly string[] = [];
  let rows = 0;
  const findings: TablePiiFinding[] = [];
  for await (const cells of readCsvRows(source, options.name ?? "CSV", (c) => {
    columns = c;
  })) {
    rows++;
    findings.push(...scanRow(columns, cells, rows, options));
  }
  return { columns, rows, findings, counts: countByType(findings) };
}
