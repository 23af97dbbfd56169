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

/**
 * A text cell a spreadsheet will not run: one that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return is read by Excel, LibreOffice and Google
 * Sheets as a formula, so it gets a leading `'`, as OWASP's "CSV Injection"
 * advice says. Apply it to text others wrote (form answers, names), not to
 * numbers, whose sign must survive.
 *
 * @example spreadsheetSafe("=HYPERLINK(\"http://x\")") // "'=HYPERLINK(\"http://x\")"
 */
export function spreadsheetSafe(cell: CsvCell): CsvCell {
  return typeof cell === "string" && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
