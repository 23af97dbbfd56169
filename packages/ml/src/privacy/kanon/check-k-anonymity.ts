import type { Table } from "../pii/index.js";
import { KAnonymityError } from "./kanon-error.js";
import { checkK, columnIndexes } from "./table-columns.js";

/** What to check. */
export interface KAnonymityOptions {
  /** The quasi-identifier columns: those an attacker can link to other data (age, postcode, sex). */
  readonly quasiIdentifiers: readonly string[];
  /** The k to test against; records in smaller classes are counted as at risk. */
  readonly k?: number;
  /** A sensitive column whose distinct values per class give distinct l-diversity. */
  readonly sensitive?: string;
  /** The l to test against. */
  readonly l?: number;
}

/** The k-anonymity (and l-diversity) of a table. */
export interface KAnonymityReport {
  readonly rows: number;
  readonly quasiIdentifiers: readonly string[];
  /** The smallest equivalence class: the table is k-anonymous for this k. */
  readonly k: number;
  /** Number of equivalence classes (distinct combinations of the quasi-identifiers). */
  readonly classes: number;
  /** Size of the largest class. */
  readonly largestClass: number;
  readonly requestedK?: number;
  /** Records in classes smaller than the requested k (0 without a requested k). */
  readonly recordsAtRisk: number;
  /** Classes smaller than the requested k. */
  readonly classesAtRisk: number;
  readonly satisfiesK: boolean;
  readonly sensitive?: string;
  /** The fewest distinct sensitive values in any class (distinct l-diversity). */
  readonly l?: number;
  readonly requestedL?: number;
  /** Classes with fewer distinct sensitive values than the requested l. */
  readonly classesBelowL?: number;
  /** Records in those classes. */
  readonly recordsBelowL?: number;
  readonly satisfiesL?: boolean;
}

/**
 * Groups rows into equivalence classes by their quasi-identifier values.
 * Returns the row indexes of each class.
 */
export function equivalenceClasses(table: Table, qiIndexes: readonly number[]): number[][] {
  const byKey = new Map<string, number[]>();
  table.rows.forEach((row, i) => {
    // NUL cannot occur in CSV text a person typed, so the joined key is unambiguous.
    const key = qiIndexes.map((q) => row[q] ?? "").join("\0");
    const members = byKey.get(key);
    if (members === undefined) {
      byKey.set(key, [i]);
    } else {
      members.push(i);
    }
  });
  return [...byKey.values()];
}

/**
 * Measures how well a table hides its records: k is the size of the smallest
 * group of records that share all quasi-identifier values (Sweeney, 2002); with a
 * sensitive column, l is the fewest distinct sensitive values in any such group
 * (distinct l-diversity, Machanavajjhala et al., 2007).
 *
 * @example
 * checkKAnonymity(table, { quasiIdentifiers: ["age", "zip"], k: 5, sensitive: "diagnosis", l: 2 });
 */
export function checkKAnonymity(table: Table, options: KAnonymityOptions): KAnonymityReport {
  const qi = columnIndexes(table, options.quasiIdentifiers, "quasi-identifier");
  if (options.k !== undefined) {
    checkK(options.k, table.rows.length);
  } else if (table.rows.length === 0) {
    throw new KAnonymityError("the table has no rows");
  }
  const classes = equivalenceClasses(table, qi);
  const sizes = classes.map((c) => c.length);
  const k = sizes.reduce((a, b) => Math.min(a, b));
  const requestedK = options.k;
  const small = requestedK === undefined ? [] : classes.filter((c) => c.length < requestedK);
  const base = {
    rows: table.rows.length,
    quasiIdentifiers: [...options.quasiIdentifiers],
    k,
    classes: classes.length,
    largestClass: sizes.reduce((a, b) => Math.max(a, b)),
    ...(requestedK === undefined ? {} : { requestedK }),
    recordsAtRisk: small.reduce((n, c) => n + c.length, 0),
    classesAtRisk: small.length,
    satisfiesK: requestedK === undefined || k >= requestedK,
  };
  if (options.sensitive === undefined) {
    if (options.l !== undefined) {
      throw new KAnonymityError("l-diversity needs a sensitive column; name one");
    }
    return base;
  }
  const [s] = columnIndexes(table, [options.sensitive], "sensitive column");
  if (s === undefined || qi.includes(s)) {
    throw new KAnonymityError(
      `sensitive column "${options.sensitive}" is also a quasi-identifier; choose another`,
    );
  }
  const requestedL = options.l;
  if (requestedL !== undefined && (!Number.isInteger(requestedL) || requestedL < 1)) {
    throw new KAnonymityError(`l must be a whole number ≥ 1, got ${requestedL}`);
  }
  const distinct = classes.map((c) => new Set(c.map((r) => table.rows[r]?.[s] ?? "")).size);
  const l = distinct.reduce((a, b) => Math.min(a, b));
  const below =
    requestedL === undefined ? [] : classes.filter((_, i) => (distinct[i] ?? 0) < requestedL);
  return {
    ...base,
    sensitive: options.sensitive,
    l,
    ...(requestedL === undefined ? {} : { requestedL }),
    classesBelowL: below.length,
    recordsBelowL: below.reduce((n, c) => n + c.length, 0),
    satisfiesL: requestedL === undefined || l >= requestedL,
  };
}
