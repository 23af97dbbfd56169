/**
 * Bad input data: a file that cannot be read as a dataset, or arguments that do not fit
 * the data. `row` is 1-based and counts the header line of a CSV file as row 1 (for
 * JSONL, the line number); `column` names the offending column when there is one.
 */
export class DataError extends Error {
  override readonly name = "DataError";
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(message: string, position: { row?: number; column?: string } = {}) {
    super(message);
    this.row = position.row;
    this.column = position.column;
  }
}
