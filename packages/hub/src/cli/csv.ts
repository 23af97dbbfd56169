/** A cell of a CSV export: absent values are left empty. */
export type CsvCell = string | number | boolean | null;

/**
 * One CSV record as RFC 4180 writes it: a cell holding a comma, a quote or a
 * line break is put in double quotes, its quotes doubled; lines end in CRLF.
 *
 * @example csvRecord(["a,b", 'say "hi"', null]) // '"a,b","say ""hi""",\r\n'
 */
export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells
    .map((cell) => {
      const text = cell === null ? "" : String(cell);
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(",")}\r\n`;
}

/** A whole CSV document: the header record, then one record per row. */
export function csvDocument(
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
): string {
  return [header, ...rows].map(csvRecord).join("");
}
