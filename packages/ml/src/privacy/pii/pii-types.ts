/** The kinds of personal data the scanner finds. */
export type PiiType =
  | "email"
  | "phone"
  | "prc_id"
  | "payment_card"
  | "iban"
  | "ipv4"
  | "ipv6"
  | "us_ssn"
  | "date_of_birth";

/** Every {@link PiiType}, in the order reports list them. */
export const PII_TYPES: readonly PiiType[] = [
  "email",
  "phone",
  "prc_id",
  "payment_card",
  "iban",
  "ipv4",
  "ipv6",
  "us_ssn",
  "date_of_birth",
];

/**
 * One piece of personal data found in a text. `start` and `end` are UTF-16
 * code-unit offsets (JavaScript string indices, end exclusive), so
 * `text.slice(start, end) === match`.
 */
export interface PiiFinding {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
  readonly match: string;
}

/**
 * A finding in a table cell: `row` is the 1-based data row (the header does not
 * count), `column` the header name; `start`/`end` are offsets inside the cell.
 */
export interface TablePiiFinding extends PiiFinding {
  readonly row: number;
  readonly column: string;
}

/** A table as header plus row-major string cells. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Bad input to the PII tools: a missing key, a malformed table, an unknown option. */
export class PiiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PiiError";
  }
}
